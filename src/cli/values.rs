//! The core's plain enums offered as command-line values: names and help
//! texts live here, so no core module derives a clap trait.

use clap::ValueEnum;
use clap::builder::PossibleValue;

use crate::compose::generate::Model;
use crate::compose::template::Template;
use crate::report::Format;
use crate::sweep::Attack;

/// `impl ValueEnum for $ty`: each variant with its spelling and help line.
macro_rules! value_enum {
    ($ty:ty { $($variant:path => $name:literal, $help:literal;)+ }) => {
        impl ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($variant),+]
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(match self {
                    $($variant => PossibleValue::new($name).help($help),)+
                })
            }
        }
    };
}

value_enum!(Format {
    Format::Table => "table", "Aligned plain-text table";
    Format::Csv => "csv", "A header row, then one row per result; no comment lines (the reproduce command, where there is one, is the last column)";
    Format::Json => "json", "The stable JSON shape (an array when several scenarios are run)";
    Format::Markdown => "markdown", "A GitHub-flavoured Markdown table";
});

value_enum!(Attack {
    Attack::Random => "random", "Uniformly random order (failures), averaged over trials";
    Attack::Degree => "degree", "Highest (undirected) degree first";
    Attack::Betweenness => "betweenness", "Highest betweenness first";
    Attack::Region => "region", "Whole regions, largest first (the nodes a regional hazard strikes together)";
});

value_enum!(Model {
    Model::Layered => "layered", "Four tiers (10 % sources, 40 % / 40 % relays, 10 % sinks), ~3 arcs per node to the next tier";
    Model::Er => "er", "Erdős–Rényi, mean degree 4, two-way links; components joined into one";
    Model::Ba => "ba", "Barabási–Albert preferential attachment, m = 2, two-way links";
});

value_enum!(Template {
    Template::Chain => "chain", "A linear chain only: one firm per stage, goods flow one way";
    Template::Network => "network", "The chain plus a layered ecosystem network: several firms per stage, many-to-many links";
    Template::Mesh => "mesh", "The chain plus a mesh: two-way links, partners within a stage and across stages";
});
