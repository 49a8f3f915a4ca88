//! The AWS partition table and the `aws.partition` lookup.

use crate::json::{Map, Value};

use super::EndpointError;
use regex_lite::Regex;

/// The AWS partition table (`partitions.json`, botocore's format) that `aws.partition` reads.
///
/// Each partition has an `id`, a `regionRegex`, the `regions` it is known to contain and its
/// `outputs` (`dnsSuffix`, `dualStackDnsSuffix`, `supportsFIPS`, `supportsDualStack`, optionally
/// `name` and `implicitGlobalRegion`). A region entry may override outputs for that region.
#[derive(Debug, Clone)]
pub struct Partitions {
    partitions: Vec<Partition>,
}

#[derive(Debug, Clone)]
struct Partition {
    id: String,
    regex: Regex,
    /// Known regions and the outputs each overrides (usually none), sorted by region for
    /// binary search (a `Vec` rather than one more map type to compile).
    regions: Vec<(String, Map<String, Value>)>,
    outputs: Map<String, Value>,
}

/// Output fields and their JSON types; `true` marks a required one.
const OUTPUTS: &[(&str, Kind, bool)] = &[
    ("name", Kind::String, false),
    ("dnsSuffix", Kind::String, true),
    ("dualStackDnsSuffix", Kind::String, true),
    ("supportsFIPS", Kind::Bool, true),
    ("supportsDualStack", Kind::Bool, true),
    ("implicitGlobalRegion", Kind::String, false),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    String,
    Bool,
}

impl Partitions {
    /// Parses and checks a partition table; the error names the partition and field at fault.
    pub fn from_json(json: &str) -> Result<Partitions, EndpointError> {
        let bad = |msg: String| EndpointError::invalid_partitions(msg);
        let root: Value =
            crate::json::from_str(json).map_err(|e| bad(format!("not valid JSON: {e}")))?;
        let list = root
            .get("partitions")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("missing the `partitions` array".to_owned()))?;
        let mut partitions = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            let id = entry
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("partitions[{i}] has no string `id`")))?;
            let at = |msg: &str| bad(format!("partition `{id}`: {msg}"));
            let pattern = entry
                .get("regionRegex")
                .and_then(Value::as_str)
                .ok_or_else(|| at("no string `regionRegex`"))?;
            // regex-lite matches in time linear in the input (no backtracking blow-up, no
            // recursion per character), whatever region a caller passes.
            let regex = Regex::new(pattern)
                .map_err(|e| at(&format!("`regionRegex` {pattern:?} is unsupported: {e}")))?;
            let mut outputs = entry
                .get("outputs")
                .and_then(Value::as_object)
                .cloned()
                .ok_or_else(|| at("no `outputs` object"))?;
            check_outputs(&outputs, true).map_err(|e| at(&format!("outputs: {e}")))?;
            // The partition's name is its id unless the outputs say otherwise.
            if !outputs.contains_key("name") {
                outputs.insert("name".to_owned(), Value::String(id.to_owned()));
            }
            let mut regions = Vec::new();
            let listed = match entry.get("regions") {
                None => Map::new(),
                Some(Value::Object(map)) => map.clone(),
                Some(_) => return Err(at("`regions` is not an object")),
            };
            // A JSON object iterates sorted by key, so `regions` comes out sorted.
            for (region, value) in listed {
                let Value::Object(listed_overrides) = value else {
                    return Err(at(&format!("region `{region}` is not an object")));
                };
                // A description is documentation, not an output. Copying the rest instead of
                // `remove` spares compiling the map's removal and rebalancing code.
                let mut overrides = Map::new();
                for (key, value) in listed_overrides {
                    if key != "description" {
                        overrides.insert(key, value);
                    }
                }
                check_outputs(&overrides, false)
                    .map_err(|e| at(&format!("region `{region}`: {e}")))?;
                regions.push((region, overrides));
            }
            partitions.push(Partition {
                id: id.to_owned(),
                regex,
                regions,
                outputs,
            });
        }
        Ok(Partitions { partitions })
    }

    /// The `aws.partition` result for `region`: the partition listing it, else the first whose
    /// `regionRegex` matches, else `aws` (the specification's fallback), as an object value.
    pub(crate) fn lookup(&self, region: &str) -> Option<Value> {
        let (partition, overrides) = self
            .partitions
            .iter()
            .find_map(|p| {
                let i = p
                    .regions
                    .binary_search_by(|(r, _)| r.as_str().cmp(region))
                    .ok()?;
                Some((p, Some(&p.regions[i].1)))
            })
            .or_else(|| {
                self.partitions
                    .iter()
                    .find(|p| p.regex.is_match(region))
                    .map(|p| (p, None))
            })
            .or_else(|| {
                self.partitions
                    .iter()
                    .find(|p| p.id == "aws")
                    .map(|p| (p, None))
            })?;
        let mut result = partition.outputs.clone();
        if let Some(overrides) = overrides {
            result.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Some(Value::Object(result))
    }
}

/// Checks the known output fields' types (and, for a partition, that required ones exist).
/// Unknown fields pass through: a newer table may add outputs that newer rule sets read.
fn check_outputs(outputs: &Map<String, Value>, require: bool) -> Result<(), String> {
    for (field, kind, required) in OUTPUTS {
        match (outputs.get(*field), kind) {
            (None, _) if require && *required => return Err(format!("missing `{field}`")),
            (None, _)
            | (Some(Value::String(_)), Kind::String)
            | (Some(Value::Bool(_)), Kind::Bool) => {}
            (Some(_), Kind::String) => return Err(format!("`{field}` is not a string")),
            (Some(_), Kind::Bool) => return Err(format!("`{field}` is not a boolean")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"{"partitions": [
        {"id": "aws", "regionRegex": "^(us|eu)\\-\\w+\\-\\d+$",
         "regions": {"aws-global": {"description": "global"},
                     "us-east-1": {"description": "N. Virginia", "dnsSuffix": "override.com"}},
         "outputs": {"dnsSuffix": "amazonaws.com", "dualStackDnsSuffix": "api.aws",
                     "supportsFIPS": true, "supportsDualStack": true,
                     "implicitGlobalRegion": "us-east-1"}},
        {"id": "aws-cn", "regionRegex": "^cn\\-\\w+\\-\\d+$", "regions": {},
         "outputs": {"name": "aws-cn", "dnsSuffix": "amazonaws.com.cn",
                     "dualStackDnsSuffix": "api.amazonwebservices.com.cn",
                     "supportsFIPS": true, "supportsDualStack": false}}
    ]}"#;

    fn field(result: &Value, key: &str) -> Value {
        result.get(key).cloned().unwrap_or(Value::Null)
    }

    #[test]
    fn listed_regex_and_fallback_lookups() {
        let table = Partitions::from_json(TABLE).unwrap();
        let global = table.lookup("aws-global").unwrap();
        assert_eq!(field(&global, "name"), "aws", "name defaults to the id");
        assert_eq!(field(&global, "dnsSuffix"), "amazonaws.com");
        assert_eq!(field(&global, "implicitGlobalRegion"), "us-east-1");
        assert!(global.get("description").is_none());
        let overridden = table.lookup("us-east-1").unwrap();
        assert_eq!(field(&overridden, "dnsSuffix"), "override.com");
        let cn = table.lookup("cn-north-9").unwrap();
        assert_eq!(field(&cn, "name"), "aws-cn");
        assert_eq!(field(&cn, "supportsDualStack"), false);
        assert!(cn.get("implicitGlobalRegion").is_none());
        let unknown = table.lookup("mars-east-1").unwrap();
        assert_eq!(
            field(&unknown, "name"),
            "aws",
            "unknown regions fall back to aws"
        );
    }

    #[test]
    fn malformed_tables_name_the_fault() {
        let cases = [
            ("[", "not valid JSON"),
            ("{}", "`partitions`"),
            (
                r#"{"partitions": [{}]}"#,
                "partitions[0] has no string `id`",
            ),
            (
                r#"{"partitions": [{"id": "x"}]}"#,
                "partition `x`: no string `regionRegex`",
            ),
            (
                r#"{"partitions": [{"id": "x", "regionRegex": "\\p{L}", "outputs": {}}]}"#,
                "unsupported",
            ),
            (
                r#"{"partitions": [{"id": "x", "regionRegex": "^x$", "outputs": {}}]}"#,
                "missing `dnsSuffix`",
            ),
            (
                r#"{"partitions": [{"id": "x", "regionRegex": "^x$", "outputs":
                   {"dnsSuffix": "a", "dualStackDnsSuffix": "b", "supportsFIPS": "yes",
                    "supportsDualStack": true}}]}"#,
                "`supportsFIPS` is not a boolean",
            ),
            (
                r#"{"partitions": [{"id": "x", "regionRegex": "^x$", "regions": {"r": 1},
                   "outputs": {"dnsSuffix": "a", "dualStackDnsSuffix": "b",
                    "supportsFIPS": true, "supportsDualStack": true}}]}"#,
                "region `r` is not an object",
            ),
        ];
        for (json, needle) in cases {
            let err = Partitions::from_json(json).unwrap_err().to_string();
            assert!(err.contains(needle), "{err:?} should mention {needle:?}");
        }
    }

    /// Every region listed in the real table resolves to its own partition, and the regex
    /// matcher agrees with the table: each listed regular region matches its partition's
    /// pattern and no other partition's.
    #[test]
    fn every_region_in_the_shipped_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/partitions.json");
        let json = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {path}: {e} (is model/ linked?)"));
        let table = Partitions::from_json(&json).unwrap();
        let mut checked = 0;
        for partition in &table.partitions {
            for (region, _) in &partition.regions {
                let result = table.lookup(region).unwrap();
                assert_eq!(
                    field(&result, "name"),
                    field(&Value::Object(partition.outputs.clone()), "name")
                );
                // `aws-global` and the like are pseudo-regions outside every pattern.
                if region.ends_with("-global") {
                    continue;
                }
                for other in &table.partitions {
                    assert_eq!(
                        other.regex.is_match(region),
                        other.id == partition.id,
                        "{region} against the `{}` pattern",
                        other.id
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 30, "only {checked} regions checked");
        for (region, partition) in [
            ("us-iso-south-7", "aws-iso"),
            ("us-isob-north-2", "aws-iso-b"),
            ("eu-isoe-north-1", "aws-iso-e"),
            ("us-isof-west-3", "aws-iso-f"),
            ("us-gov-south-1", "aws-us-gov"),
            ("cn-south-2", "aws-cn"),
            ("eusc-de-west-1", "aws-eusc"),
            ("ap-nowhere-9", "aws"),
            ("not a region", "aws"),
            ("US-EAST-1", "aws"),
        ] {
            assert_eq!(
                field(&table.lookup(region).unwrap(), "name"),
                partition,
                "{region}"
            );
        }
        for negative in [
            "us-east",
            "us-east-1-",
            "-us-east-1",
            "useast1",
            "us_east_1",
            "eusc-fr-east-1",
        ] {
            assert!(
                table.partitions.iter().all(|p| !p.regex.is_match(negative)),
                "{negative} should match no pattern"
            );
        }
    }

    /// Matching takes time linear in the region's length, with no recursion per character: a
    /// 60,000-character region and a pattern that makes a backtracking engine exponential both
    /// finish (on a 2 MiB thread, where the old hand-written engine overflowed its stack).
    #[test]
    fn long_regions_and_nested_quantifiers_match_in_linear_time() {
        let worker = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let table = Partitions::from_json(TABLE).unwrap();
                let long = format!("us-{}-1", "a".repeat(60_000));
                assert_eq!(field(&table.lookup(&long).unwrap(), "name"), "aws");
                let evil = Partitions::from_json(
                    r#"{"partitions": [{"id": "x", "regionRegex": "^(a|a)*(a+)+$",
                        "outputs": {"dnsSuffix": "a", "dualStackDnsSuffix": "b",
                                    "supportsFIPS": true, "supportsDualStack": true}}]}"#,
                )
                .unwrap();
                let started = std::time::Instant::now();
                let input = format!("{}!", "a".repeat(60_000));
                assert!(!evil.partitions[0].regex.is_match(&input));
                assert!(evil.partitions[0].regex.is_match(&"a".repeat(60_000)));
                started.elapsed()
            })
            .unwrap();
        let elapsed = worker.join().expect("no stack overflow, no panic");
        // Exponential backtracking would not finish at all; linear takes milliseconds.
        assert!(elapsed < std::time::Duration::from_secs(20), "{elapsed:?}");
    }
}
