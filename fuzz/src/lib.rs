//! Checks shared by the fuzz targets: the round-trip invariant of the
//! integration tests, from the very same source file.

#[path = "../../tests/common/roundtrip.rs"]
mod roundtrip;

pub use roundtrip::{check_round_trip, check_store_round_trip};
