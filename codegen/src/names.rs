//! Every Rust name the generator emits is decided here, once.
//!
//! heck does the case conversion; a small table fixes the words it splits badly, Rust keywords
//! become raw identifiers (or get a suffix where raw identifiers are not allowed), and names
//! the generated API itself uses are moved out of the way.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words heck splits in the wrong places, as `(model spelling, snake form)`. They are replaced
/// by a single capitalised word before conversion (`IPv4Address` -> `Ipv4Address` ->
/// `ipv4_address`).
const WORD_FIXES: &[(&str, &str)] = &[
    ("IPv4", "Ipv4"),
    ("IPv6", "Ipv6"),
    ("ARNs", "Arns"),
    ("IDs", "Ids"),
    ("URLs", "Urls"),
    ("URIs", "Uris"),
    ("SRT", "Srt"),
    ("RTMPS", "Rtmps"),
    ("RTMP", "Rtmp"),
    ("HD", "Hd"),
    ("SD", "Sd"),
    ("UHD", "Uhd"),
    ("FHD", "Fhd"),
    ("DASH", "Dash"),
    ("HLS", "Hls"),
    ("TTL", "Ttl"),
];

/// Rust keywords (strict and reserved) of the 2021 edition.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Method names the generated structures, builders and fluent builders define themselves; a
/// member with one of these names gets a `_value` suffix.
const RESERVED_METHODS: &[&str] = &[
    "build",
    "builder",
    "send",
    "customize",
    "into_paginator",
    "as_input",
    "with_input",
    "meta",
    "code",
    "message",
    "request_id",
    "extended_request_id",
    "kind",
    "handle",
    "config",
    "set_fields",
];

/// Type names every generated module may use; a shape named like one of these is renamed.
const RESERVED_TYPES: &[&str] = &["Client", "Config", "Error", "Unknown"];

fn fix_words(name: &str) -> String {
    let mut out = name.to_owned();
    for (from, to) in WORD_FIXES {
        out = replace_word(&out, from, to);
    }
    out
}

/// Replaces `from` where it stands as a whole word: not inside a longer run of capitals
/// (`HDRVideo` keeps `HD`), and followed by the end, a non-letter or the start of a new word
/// (`SRTIngest`, `HD_READY`).
fn replace_word(s: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find(from) {
        let after = &rest[pos + from.len()..];
        let mut next = after.chars();
        let (n1, n2) = (next.next(), next.next());
        let before_ok = rest[..pos]
            .chars()
            .last()
            .is_none_or(|c| !c.is_ascii_uppercase());
        let after_ok = match (n1, n2) {
            (None, _) => true,
            (Some(c), _) if !c.is_ascii_alphabetic() => true,
            (Some(c), Some(d)) if c.is_ascii_uppercase() => d.is_ascii_lowercase(),
            _ => false,
        };
        out.push_str(&rest[..pos]);
        out.push_str(if before_ok && after_ok { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `snake_case` for a model name, before keyword handling.
pub fn snake(name: &str) -> String {
    fix_words(name).to_snake_case()
}

/// `UpperCamelCase` for a model name, before keyword handling.
pub fn pascal(name: &str) -> String {
    fix_words(name).to_upper_camel_case()
}

/// Whether `s` is a keyword.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Whether `s` can be a Rust identifier once raw-escaped where needed.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    s != "_" && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The field and method name of a structure member: snake case, `r#` for keywords that allow
/// it, `_value` for the rest and for names the generated API uses.
pub fn member_name(model_name: &str) -> String {
    let s = snake(model_name);
    if RESERVED_METHODS.contains(&s.as_str()) || NOT_RAW.contains(&s.as_str()) {
        format!("{s}_value")
    } else if is_keyword(&s) {
        format!("r#{s}")
    } else {
        s
    }
}

/// A member name without any `r#`, for building other identifiers (`set_type`, `get_type`).
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// The type name of a shape.
pub fn type_name(model_name: &str) -> String {
    let p = pascal(model_name);
    if RESERVED_TYPES.contains(&p.as_str()) || is_keyword(&p) {
        format!("{p}Value")
    } else {
        p
    }
}

/// The variant name of an enum value or union member.
pub fn variant_name(model_name: &str) -> String {
    let p = pascal(model_name);
    let p = if p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{p}")
    } else {
        p
    };
    if p == "Unknown" || p == "SelfValue" || is_keyword(&p) {
        format!("{p}Value")
    } else {
        p
    }
}

/// The variant name of a Smithy 1.0 `@enum` entry without a `name`: derived from its value
/// (`us-east-1` -> `UsEast1`, `1080p` -> `V1080p`). A value without a single ASCII letter or
/// digit is spelled by its code points (`*/` -> `Value2a2f`, the empty value -> `Empty`).
pub fn variant_from_value(value: &str) -> String {
    if value.is_empty() {
        return "Empty".to_owned();
    }
    if !value.chars().any(|c| c.is_ascii_alphanumeric()) {
        let code_points: Vec<String> = value.chars().map(|c| format!("{:x}", c as u32)).collect();
        return variant_name(&format!("value_{}", code_points.join("_")));
    }
    let cleaned: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    // All-caps values (`LOW`, `AWS_SSE`) read better as words than as acronyms.
    let cleaned = if cleaned.chars().any(|c| c.is_ascii_lowercase()) {
        cleaned
    } else {
        cleaned.to_ascii_lowercase()
    };
    variant_name(&cleaned)
}

/// The module (file) name of an operation or shape.
pub fn module_name(model_name: &str) -> String {
    let s = snake(model_name);
    if is_keyword(&s) || NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// The Rust crate name for an `sdkId` (`IVS RealTime` -> `ivs_realtime`).
/// Methods the generated `Client` defines itself; an operation with one of these names is
/// called through `<name>_operation()`.
const CLIENT_METHODS: &[&str] = &["new", "from_env", "config"];

/// The `Client` method of the operation whose module is `snake`.
pub fn client_method(snake: &str) -> String {
    if CLIENT_METHODS.contains(&snake) {
        format!("{snake}_operation")
    } else {
        snake.to_owned()
    }
}

/// The suffix of a union member's `is_`/`as_` methods: the snake-case name, except that a
/// member named like the union's own `Unknown` variant is `unknown_value`.
pub fn union_accessor(model_name: &str) -> String {
    let s = snake(model_name);
    if s == "unknown" {
        "unknown_value".to_owned()
    } else {
        s
    }
}

pub fn crate_name(sdk_id: &str) -> String {
    sdk_id.to_lowercase().replace([' ', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str, &str)] = &[
            // model name, member name, type name
            ("IPv4Address", "ipv4_address", "Ipv4Address"),
            ("channelARNs", "channel_arns", "ChannelArns"),
            ("ARNs", "arns", "Arns"),
            ("srtPassphrase", "srt_passphrase", "SrtPassphrase"),
            ("SRTIngest", "srt_ingest", "SrtIngest"),
            ("HD", "hd", "Hd"),
            ("FULL_HD", "full_hd", "FullHd"),
            ("type", "r#type", "Type"),
            ("ref", "r#ref", "Ref"),
            ("self", "self_value", "SelfValue"),
            ("Self", "self_value", "SelfValue"),
            ("build", "build_value", "Build"),
            ("send", "send_value", "Send"),
            ("Option", "option", "Option"),
            ("Result", "result", "Result"),
            ("String", "string", "String"),
            ("Box", "r#box", "Box"),
            ("Error", "error", "ErrorValue"),
            ("Client", "client", "ClientValue"),
            ("nextToken", "next_token", "NextToken"),
            (
                "recordingConfigurationArn",
                "recording_configuration_arn",
                "RecordingConfigurationArn",
            ),
            ("HDRVideo", "hdr_video", "HdrVideo"),
        ];
        for (model, member, ty) in cases {
            assert_eq!(member_name(model), *member, "member name of {model}");
            assert_eq!(type_name(model), *ty, "type name of {model}");
        }
    }

    #[test]
    fn variants() {
        assert_eq!(variant_name("LOW"), "Low");
        assert_eq!(variant_name("Unknown"), "UnknownValue");
        assert_eq!(variant_from_value("us-east-1"), "UsEast1");
        assert_eq!(variant_from_value("1080p"), "V1080p");
        assert_eq!(variant_from_value("AWS_SSE"), "AwsSse");
        assert_eq!(variant_from_value("*/"), "Value2a2f");
        assert_eq!(variant_from_value("\""), "Value22");
        assert_eq!(variant_from_value(""), "Empty");
        assert_eq!(variant_from_value("<script>"), "Script");
        assert_eq!(variant_name("self"), "SelfValue");
        assert_eq!(union_accessor("Unknown"), "unknown_value");
        assert_eq!(union_accessor("IPv4"), "ipv4");
        assert_eq!(client_method("config"), "config_operation");
        assert_eq!(client_method("new"), "new_operation");
        assert_eq!(client_method("list_channels"), "list_channels");
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("a_b1"));
        assert!(!is_identifier("1a"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("a-b"));
        assert!(!is_identifier("_"));
    }
}
