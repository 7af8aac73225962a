//! Personal and corporate names.

/// One name of a name list.
///
/// Parts are in BibLaTeX source form, like [`super::Value::Text`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Name {
    /// A person: family name plus optional given name, particle and suffix.
    Person {
        /// Family name (`Neumann`).
        family: String,
        /// Given names or initials (`John`, `J. C.`).
        given: String,
        /// Particle (`von`, `van der`).
        prefix: String,
        /// Suffix (`Jr.`, `III`).
        suffix: String,
    },
    /// A corporate or otherwise undivided name (`People's Bank of China`),
    /// written in braces so that BibLaTeX does not split it.
    Literal(String),
    /// The `and others` marker that truncates a list.
    Others,
}

impl Name {
    /// A person with a family and given name only.
    pub fn person(family: impl Into<String>, given: impl Into<String>) -> Self {
        Name::Person {
            family: family.into(),
            given: given.into(),
            prefix: String::new(),
            suffix: String::new(),
        }
    }

    /// The part a list is sorted and keyed by: the family name or the literal.
    pub fn sort_name(&self) -> &str {
        match self {
            Name::Person { family, .. } => family,
            Name::Literal(literal) => literal,
            Name::Others => "others",
        }
    }
}
