//! Finding the reference section of a document and splitting it into references.
