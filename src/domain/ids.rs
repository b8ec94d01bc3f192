//! Identifiers. Events and incidents are UUIDs so that journals on several
//! machines can merge without clashes; people type short unique prefixes.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! uuid_id {
    ($name:ident) => {
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            /// The first eight hex digits: what the screen and the CLI show.
            pub fn short(&self) -> String {
                self.0.simple().to_string()[..8].to_string()
            }

            pub fn parse(s: &str) -> Option<Self> {
                Uuid::parse_str(s).ok().map(Self)
            }

            /// Whether `prefix` (hex, dashes ignored, case-insensitive) starts this id.
            pub fn matches_prefix(&self, prefix: &str) -> bool {
                let p: String = prefix
                    .chars()
                    .filter(|c| *c != '-')
                    .collect::<String>()
                    .to_ascii_lowercase();
                !p.is_empty() && self.0.simple().to_string().starts_with(&p)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

uuid_id!(EventId);
uuid_id!(IncidentId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_matching_ignores_case_and_dashes() {
        let id = IncidentId(Uuid::parse_str("0123abcd-0000-4000-8000-000000000000").unwrap());
        assert!(id.matches_prefix("0123ab"));
        assert!(id.matches_prefix("0123ABCD-00"));
        assert!(!id.matches_prefix("1"));
        assert!(!id.matches_prefix(""));
        assert_eq!(id.short(), "0123abcd");
    }
}
