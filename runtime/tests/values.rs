//! Value types and encoders that generated code calls: timestamps, blobs, documents,
//! percent-encoding, header lists, float text and idempotency tokens.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lite_runtime::encoding::{
    encode_label, encode_query, fmt_f32, fmt_f64, fmt_header_list, format_uuid_v4,
    idempotency_token, split_header_list, split_http_date_list,
};
use aws_lite_runtime::json;
use aws_lite_runtime::time::Format;
use aws_lite_runtime::{Blob, DateTime, Document, Number};

fn parse(s: &str, format: Format) -> DateTime {
    DateTime::from_str(s, format).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn parse_err(s: &str, format: Format) -> String {
    match DateTime::from_str(s, format) {
        Ok(t) => panic!("{s:?} parsed as {t:?}"),
        Err(e) => e.to_string(),
    }
}

// ---------------------------------------------------------------- timestamps

#[test]
fn known_vector_in_all_three_formats() {
    let t = DateTime::from_secs(1576540098);
    assert_eq!(t.fmt(Format::EpochSeconds).unwrap(), "1576540098");
    assert_eq!(t.fmt(Format::DateTime).unwrap(), "2019-12-16T23:48:18Z");
    assert_eq!(
        t.fmt(Format::HttpDate).unwrap(),
        "Mon, 16 Dec 2019 23:48:18 GMT"
    );
    assert_eq!(parse("1576540098", Format::EpochSeconds), t);
    assert_eq!(parse("2019-12-16T23:48:18Z", Format::DateTime), t);
    assert_eq!(parse("Mon, 16 Dec 2019 23:48:18 GMT", Format::HttpDate), t);
    assert_eq!(t.to_string(), "2019-12-16T23:48:18Z");
}

#[test]
fn more_known_vectors() {
    // (epoch seconds, RFC 3339, HTTP date)
    let cases = [
        (0, "1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
        (-1, "1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 GMT"),
        (
            1398796238,
            "2014-04-29T18:30:38Z",
            "Tue, 29 Apr 2014 18:30:38 GMT",
        ),
        (
            951782400,
            "2000-02-29T00:00:00Z",
            "Tue, 29 Feb 2000 00:00:00 GMT",
        ),
        (
            4107542400,
            "2100-03-01T00:00:00Z",
            "Mon, 01 Mar 2100 00:00:00 GMT",
        ),
        (
            -2208988800,
            "1900-01-01T00:00:00Z",
            "Mon, 01 Jan 1900 00:00:00 GMT",
        ),
        (
            -62135596800,
            "0001-01-01T00:00:00Z",
            "Mon, 01 Jan 0001 00:00:00 GMT",
        ),
        (
            -62167219200,
            "0000-01-01T00:00:00Z",
            "Sat, 01 Jan 0000 00:00:00 GMT",
        ),
        (
            253402300799,
            "9999-12-31T23:59:59Z",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ),
        (
            2147483648,
            "2038-01-19T03:14:08Z",
            "Tue, 19 Jan 2038 03:14:08 GMT",
        ),
    ];
    for (secs, rfc, http) in cases {
        let t = DateTime::from_secs(secs);
        assert_eq!(t.fmt(Format::DateTime).unwrap(), rfc, "{secs}");
        assert_eq!(t.fmt(Format::HttpDate).unwrap(), http, "{secs}");
        assert_eq!(parse(rfc, Format::DateTime), t, "{rfc}");
        assert_eq!(parse(http, Format::HttpDate), t, "{http}");
        assert_eq!(parse(&secs.to_string(), Format::EpochSeconds), t);
    }
}

#[test]
fn round_trips_many_instants() {
    let mut rng = fastrand::Rng::with_seed(7);
    let lo = -62167219200; // 0000-01-01
    let hi = 253402300799; // 9999-12-31T23:59:59
    let mut instants: Vec<DateTime> = (0..20_000)
        .map(|_| {
            let nanos = match rng.u8(..4) {
                0 => 0,
                1 => rng.u32(..1000) * 1_000_000,
                _ => rng.u32(..1_000_000_000),
            };
            DateTime::from_secs_and_nanos(rng.i64(lo..=hi), nanos)
        })
        .collect();
    instants.extend([lo, hi, -1, 0, 1, 951782399, 951782400].map(DateTime::from_secs));
    instants.push(DateTime::from_secs_and_nanos(hi, 999_999_999));
    instants.push(DateTime::from_secs_and_nanos(-1, 1));
    for t in instants {
        for format in [Format::EpochSeconds, Format::DateTime] {
            let s = t.fmt(format).unwrap();
            assert_eq!(parse(&s, format), t, "{s}");
        }
        let http = t.fmt(Format::HttpDate).unwrap();
        assert_eq!(
            parse(&http, Format::HttpDate),
            DateTime::from_secs(t.secs())
        );
        assert_eq!(t.to_string(), t.fmt(Format::DateTime).unwrap());
        assert_eq!(DateTime::from(t.to_system_time().unwrap()), t);
    }
}

#[test]
fn fractions() {
    let t = DateTime::from_secs_and_nanos(1576540098, 123_000_000);
    assert_eq!(t.fmt(Format::EpochSeconds).unwrap(), "1576540098.123");
    assert_eq!(t.fmt(Format::DateTime).unwrap(), "2019-12-16T23:48:18.123Z");
    assert_eq!(
        t.fmt(Format::HttpDate).unwrap(),
        "Mon, 16 Dec 2019 23:48:18 GMT"
    );
    let t = DateTime::from_secs_and_nanos(0, 1);
    assert_eq!(t.fmt(Format::EpochSeconds).unwrap(), "0.000000001");
    assert_eq!(
        t.fmt(Format::DateTime).unwrap(),
        "1970-01-01T00:00:00.000000001Z"
    );
    let t = DateTime::from_secs_and_nanos(1, 500_000_000);
    assert_eq!(t.fmt(Format::EpochSeconds).unwrap(), "1.5");

    // Any number of fraction digits; past nanoseconds they are truncated.
    for (s, nanos) in [
        ("2019-12-16T23:48:18.1Z", 100_000_000),
        ("2019-12-16T23:48:18.12Z", 120_000_000),
        ("2019-12-16T23:48:18.123456Z", 123_456_000),
        ("2019-12-16T23:48:18.123456789Z", 123_456_789),
        ("2019-12-16T23:48:18.1234567891234Z", 123_456_789),
        ("2019-12-16T23:48:18.000Z", 0),
    ] {
        assert_eq!(
            parse(s, Format::DateTime),
            DateTime::from_secs_and_nanos(1576540098, nanos),
            "{s}"
        );
    }
    assert_eq!(
        parse("1515531081.123", Format::EpochSeconds),
        DateTime::from_secs_and_nanos(1515531081, 123_000_000)
    );
    assert_eq!(
        parse("Mon, 16 Dec 2019 23:48:18.5 GMT", Format::HttpDate),
        DateTime::from_secs_and_nanos(1576540098, 500_000_000)
    );
}

#[test]
fn negative_epoch_with_fractions() {
    let t = parse("-1.5", Format::EpochSeconds);
    assert_eq!((t.secs(), t.subsec_nanos()), (-2, 500_000_000));
    assert_eq!(t.fmt(Format::EpochSeconds).unwrap(), "-1.5");
    assert_eq!(t.fmt(Format::DateTime).unwrap(), "1969-12-31T23:59:58.5Z");
    assert_eq!(t.as_secs_f64(), -1.5);

    let t = parse("-0.25", Format::EpochSeconds);
    assert_eq!((t.secs(), t.subsec_nanos()), (-1, 750_000_000));
    assert_eq!(t.fmt(Format::EpochSeconds).unwrap(), "-0.25");
    assert_eq!(parse("-0", Format::EpochSeconds), DateTime::from_secs(0));

    assert_eq!(DateTime::from_millis(-1500), t_ms(-2, 500));
    assert_eq!(DateTime::from_millis(-1), t_ms(-1, 999));
    assert_eq!(DateTime::from_millis(1999), t_ms(1, 999));
    assert_eq!(DateTime::from_millis(-1500).to_millis(), Some(-1500));
}

fn t_ms(secs: i64, ms: u32) -> DateTime {
    DateTime::from_secs_and_nanos(secs, ms * 1_000_000)
}

#[test]
fn from_secs_f64_rounds_to_milliseconds() {
    assert_eq!(DateTime::from_secs_f64(1.5), t_ms(1, 500));
    assert_eq!(
        DateTime::from_secs_f64(1576540098.123),
        t_ms(1576540098, 123)
    );
    assert_eq!(DateTime::from_secs_f64(1398796238.0), t_ms(1398796238, 0));
    assert_eq!(DateTime::from_secs_f64(-1.5), t_ms(-2, 500));
    assert_eq!(DateTime::from_secs_f64(0.0009), t_ms(0, 1));
    assert_eq!(DateTime::from_secs_f64(0.0004), t_ms(0, 0));
    assert_eq!(DateTime::from_secs_f64(1e300).secs(), i64::MAX / 1000);
    assert_eq!(DateTime::from_secs_f64(f64::NAN), DateTime::from_secs(0));
    // Every millisecond of a realistic second survives the float.
    for ms in 0..1000 {
        let f: f64 = format!("1576540098.{ms:03}").parse().unwrap();
        assert_eq!(DateTime::from_secs_f64(f), t_ms(1576540098, ms));
    }
    assert_eq!(
        DateTime::from_secs_and_nanos(1576540098, 250_000_000).as_secs_f64(),
        1576540098.25
    );
}

#[test]
fn from_secs_and_nanos_carries() {
    let t = DateTime::from_secs_and_nanos(1, 2_500_000_000);
    assert_eq!((t.secs(), t.subsec_nanos()), (3, 500_000_000));
    let t = DateTime::from_secs_and_nanos(i64::MAX, u32::MAX);
    assert_eq!(t.secs(), i64::MAX);
}

#[test]
fn rfc3339_variants() {
    let t = DateTime::from_secs(1576540098);
    for s in [
        "2019-12-16t23:48:18z",
        "2019-12-16 23:48:18Z",
        "2019-12-16T23:48:18+00:00",
        "2019-12-16T23:48:18-00:00",
        "2019-12-17T00:48:18+01:00",
        "2019-12-16T18:18:18-05:30",
        "2019-12-17T00:48:18+0100",
    ] {
        assert_eq!(parse(s, Format::DateTime), t, "{s}");
    }
    // A leap second reads as the first second of the next minute.
    assert_eq!(
        parse("2016-12-31T23:59:60Z", Format::DateTime),
        parse("2017-01-01T00:00:00Z", Format::DateTime)
    );
}

#[test]
fn http_date_variants() {
    let t = DateTime::from_secs(784111777); // 1994-11-06T08:49:37Z, RFC 7231's example
    assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT", Format::HttpDate), t);
    assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT", Format::HttpDate), t);
    assert_eq!(parse("Sun Nov  6 08:49:37 1994", Format::HttpDate), t);
    assert_eq!(parse("Sun Nov 06 08:49:37 1994", Format::HttpDate), t);
    assert_eq!(
        parse("Thursday, 01-Jan-25 00:00:00 GMT", Format::HttpDate),
        parse("2025-01-01T00:00:00Z", Format::DateTime)
    );
}

#[test]
fn out_of_range_years_do_not_format() {
    let after = DateTime::from_secs(253402300800); // 10000-01-01
    let before = DateTime::from_secs(-62167219201); // -0001-12-31T23:59:59
    for t in [after, before] {
        let err = t.fmt(Format::DateTime).unwrap_err().to_string();
        assert!(err.contains("outside years 0000 to 9999"), "{err}");
        assert!(t.fmt(Format::HttpDate).is_err());
        assert!(t.fmt(Format::EpochSeconds).is_ok());
    }
    assert_eq!(after.to_string(), "+10000-01-01T00:00:00Z");
    assert_eq!(before.to_string(), "-0001-12-31T23:59:59Z");
}

#[test]
fn parse_errors_name_the_problem() {
    let cases = [
        ("2019-13-16T23:48:18Z", Format::DateTime, "month 13"),
        (
            "2019-02-29T23:48:18Z",
            Format::DateTime,
            "day 29 is not in 1..=28",
        ),
        (
            "2020-02-30T00:00:00Z",
            Format::DateTime,
            "day 30 is not in 1..=29",
        ),
        ("2019-12-16T24:48:18Z", Format::DateTime, "hour 24"),
        ("2019-12-16T23:60:18Z", Format::DateTime, "minute 60"),
        ("2019-12-16T23:48:61Z", Format::DateTime, "second 61"),
        ("2019-12-16T23:48:18", Format::DateTime, "expected 'Z'"),
        (
            "2019-12-16T23:48:18.Z",
            Format::DateTime,
            "digits after '.'",
        ),
        ("2019-12-16", Format::DateTime, "expected 'T'"),
        (
            "19-12-16T23:48:18Z",
            Format::DateTime,
            "year needs 4 digits",
        ),
        (
            "2019-12-16T23:48:18Zjunk",
            Format::DateTime,
            "after the timestamp",
        ),
        (
            "2019-12-16T23:48:18+25:00",
            Format::DateTime,
            "offset 25:00",
        ),
        ("", Format::DateTime, "end of input"),
        (
            "Mon, 16 Dex 2019 23:48:18 GMT",
            Format::HttpDate,
            "not a month name",
        ),
        (
            "Mon, 16 Dec 2019 23:48:18 UTC",
            Format::HttpDate,
            "zone \"GMT\"",
        ),
        (
            "Foo, 16 Dec 2019 23:48:18 GMT",
            Format::HttpDate,
            "not a weekday",
        ),
        ("Mon, 32 Dec 2019 23:48:18 GMT", Format::HttpDate, "day 32"),
        ("2019-12-16T23:48:18Z", Format::HttpDate, "weekday"),
        ("", Format::EpochSeconds, "empty"),
        ("abc", Format::EpochSeconds, "expected digits"),
        ("1.2.3", Format::EpochSeconds, "unexpected '.'"),
        ("99999999999999999999", Format::EpochSeconds, "overflow"),
        ("1e999", Format::EpochSeconds, "finite"),
    ];
    for (input, format, needle) in cases {
        let err = parse_err(input, format);
        assert!(err.contains(needle), "{input:?}: {err:?} lacks {needle:?}");
        assert!(
            err.contains(&format!("{input:?}")),
            "{err:?} lacks the input"
        );
    }
}

#[test]
fn parsing_never_panics_on_mangled_input() {
    let seeds = [
        "2019-12-16T23:48:18.123+01:00",
        "Mon, 16 Dec 2019 23:48:18 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "-1576540098.123456789",
    ];
    let junk = [
        "", "0", "9", "-", "+", ".", ",", ":", " ", "T", "Z", "e", "é", "\u{0}", "ü9",
    ];
    let mut rng = fastrand::Rng::with_seed(42);
    let mut tried = 0;
    for seed in seeds {
        let chars: Vec<char> = seed.chars().collect();
        // Every prefix, and every single-character replacement, deletion and insertion.
        let mut inputs: Vec<String> = (0..=chars.len())
            .map(|i| chars[..i].iter().collect())
            .collect();
        for i in 0..chars.len() {
            for j in junk {
                let mut replaced = chars.clone();
                replaced.splice(i..=i, j.chars());
                inputs.push(replaced.iter().collect());
                let mut inserted = chars.clone();
                inserted.splice(i..i, j.chars());
                inputs.push(inserted.iter().collect());
            }
        }
        // And random multi-character mutations.
        for _ in 0..2000 {
            let mut m = chars.clone();
            for _ in 0..rng.usize(1..4) {
                if m.is_empty() {
                    break;
                }
                let i = rng.usize(..m.len());
                m[i] = junk[rng.usize(..junk.len())].chars().next().unwrap_or('x');
            }
            inputs.push(m.iter().collect());
        }
        for input in inputs {
            for format in [Format::EpochSeconds, Format::DateTime, Format::HttpDate] {
                if let Ok(t) = DateTime::from_str(&input, format) {
                    let _ = t.fmt(format);
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 10_000);
}

#[test]
fn system_time_conversions() {
    let t = DateTime::from(UNIX_EPOCH + Duration::new(1576540098, 5));
    assert_eq!((t.secs(), t.subsec_nanos()), (1576540098, 5));
    let t = DateTime::from(UNIX_EPOCH - Duration::new(1, 250_000_000));
    assert_eq!((t.secs(), t.subsec_nanos()), (-2, 750_000_000));
    assert_eq!(
        t.to_system_time(),
        Some(UNIX_EPOCH - Duration::new(1, 250_000_000))
    );
    let now = SystemTime::now();
    assert_eq!(DateTime::from(now).to_system_time(), Some(now));
}

#[test]
fn ordering_is_chronological() {
    let a = DateTime::from_secs_and_nanos(-2, 999_999_999);
    let b = DateTime::from_secs(-1);
    let c = DateTime::from_secs_and_nanos(-1, 1);
    assert!(a < b && b < c);
}

// ---------------------------------------------------------------- blobs

#[test]
fn base64_rfc4648_vectors() {
    let vectors = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (plain, encoded) in vectors {
        let blob = Blob::new(plain);
        assert_eq!(blob.to_base64(), encoded);
        assert_eq!(Blob::from_base64(encoded).unwrap(), blob);
        assert_eq!(blob.as_ref(), plain.as_bytes());
    }
    // Padding is optional when reading.
    assert_eq!(Blob::from_base64("Zg").unwrap(), Blob::new("f"));
    // All byte values, which exercises '+' and '/'.
    let all: Vec<u8> = (0..=255).collect();
    let blob = Blob::new(all.clone());
    assert_eq!(
        Blob::from_base64(&blob.to_base64()).unwrap().into_inner(),
        all
    );
    assert_eq!(Blob::new(vec![0xfb, 0xff]).to_base64(), "+/8=");
}

#[test]
fn base64_errors() {
    for bad in ["Zm9v!", "Z", "Zm9v-_", "Zm 9v", "Zg==="] {
        let err = Blob::from_base64(bad).unwrap_err().to_string();
        assert!(err.starts_with("invalid base64: "), "{bad}: {err}");
    }
}

// ---------------------------------------------------------------- documents

#[test]
fn document_from_and_to_json() {
    let json = json::from_str(
        r#"{"s": "hi", "t": true, "n": null, "u": 18446744073709551615, "i": -3, "f": 1.5,
            "a": [1, "x", [], {}], "o": {"k": {"nested": [false]}}}"#,
    )
    .unwrap();
    let doc = Document::from(json.clone());
    let obj = doc.as_object().unwrap();
    assert_eq!(obj["s"].as_str(), Some("hi"));
    assert_eq!(obj["t"].as_bool(), Some(true));
    assert!(obj["n"].is_null());
    assert_eq!(obj["u"], Document::Number(Number::PosInt(u64::MAX)));
    assert_eq!(obj["i"], Document::Number(Number::NegInt(-3)));
    assert_eq!(obj["f"], Document::Number(Number::Float(1.5)));
    assert_eq!(obj["a"].as_array().unwrap().len(), 4);
    assert_eq!(json::Value::from(&doc), json);

    let text = r#"{"a":[1,-2,1.5,"s\n",true,null],"b":{}}"#;
    let parsed: Document = text.parse().unwrap();
    assert_eq!(parsed.to_string(), text);
    let err = "[1,".parse::<Document>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "EOF while parsing a value at line 1 column 3"
    );
}

#[test]
fn document_conversions() {
    assert_eq!(Document::from(1), Document::Number(Number::PosInt(1)));
    assert_eq!(Document::from(-1i64), Document::Number(Number::NegInt(-1)));
    assert_eq!(Document::from(7u64), Document::Number(Number::PosInt(7)));
    assert_eq!(Document::from(0.5), Document::Number(Number::Float(0.5)));
    assert_eq!(Document::from("x"), Document::String("x".into()));
    assert_eq!(Document::from(String::from("x")), Document::from("x"));
    assert_eq!(Document::from(false), Document::Bool(false));
    assert_eq!(
        Document::from(vec!["a", "b"]),
        Document::Array(vec!["a".into(), "b".into()])
    );
    let map = BTreeMap::from([("k".to_owned(), 1)]);
    assert_eq!(
        Document::from(map),
        Document::Object(BTreeMap::from([("k".to_owned(), Document::from(1))]))
    );
    assert_eq!(Document::from(None::<bool>), Document::Null);
    assert_eq!(Number::PosInt(3).as_i64(), Some(3));
    assert_eq!(Number::NegInt(-3).as_u64(), None);
    assert_eq!(Number::Float(3.0).as_i64(), None);
    assert_eq!(Number::NegInt(-3).to_f64_lossy(), -3.0);
}

#[test]
fn non_finite_document_floats_become_strings() {
    let doc = Document::Array(vec![
        f64::NAN.into(),
        f64::INFINITY.into(),
        f64::NEG_INFINITY.into(),
    ]);
    assert_eq!(
        json::to_string(&json::Value::from(&doc)),
        r#"["NaN","Infinity","-Infinity"]"#
    );
}

// ---------------------------------------------------------------- percent-encoding

#[test]
fn label_encoding() {
    assert_eq!(encode_label("hello world", false), "hello%20world");
    assert_eq!(encode_label("a/b", false), "a%2Fb");
    assert_eq!(encode_label("a/b", true), "a/b");
    assert_eq!(encode_label("a+b", false), "a%2Bb");
    assert_eq!(encode_label("AZaz09-._~", false), "AZaz09-._~");
    assert_eq!(encode_label("é", false), "%C3%A9");
    assert_eq!(
        encode_label("arn:aws:ivs:us-west-2:123456789012:channel/abcd", false),
        "arn%3Aaws%3Aivs%3Aus-west-2%3A123456789012%3Achannel%2Fabcd"
    );
    // The restJson1 protocol test RestJsonHttpRequestLabelEscaping.
    assert_eq!(
        encode_label(" %:/?#[]@!$&'()*+,;=\u{1F639}", false),
        "%20%25%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%F0%9F%98%B9"
    );
    // A timestamp label (RestJsonInputWithHeadersAndAllParams).
    assert_eq!(
        encode_label("2019-12-16T23:48:18Z", false),
        "2019-12-16T23%3A48%3A18Z"
    );
    assert_eq!(encode_label("hello/escape", true), "hello/escape");
    assert_eq!(encode_label("a b/c%d", true), "a%20b/c%25d");
}

#[test]
fn query_encoding() {
    assert_eq!(encode_query("a b"), "a%20b");
    assert_eq!(encode_query("a+b"), "a%2Bb");
    assert_eq!(encode_query("a/b"), "a%2Fb");
    assert_eq!(encode_query("a=b&c"), "a%3Db%26c");
    assert_eq!(encode_query("~-._"), "~-._");
    assert_eq!(encode_query("日本"), "%E6%97%A5%E6%9C%AC");
    assert_eq!(encode_query(""), "");
}

// ---------------------------------------------------------------- idempotency tokens

#[test]
fn idempotency_tokens_are_uuid_v4() {
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..1000 {
        let token = idempotency_token();
        assert_eq!(token.len(), 36, "{token}");
        for (i, c) in token.char_indices() {
            match i {
                8 | 13 | 18 | 23 => assert_eq!(c, '-', "{token}"),
                14 => assert_eq!(c, '4', "{token}"),
                19 => assert!("89ab".contains(c), "{token}"),
                _ => assert!(c.is_ascii_digit() || ('a'..='f').contains(&c), "{token}"),
            }
        }
        assert!(seen.insert(token));
    }
    assert_eq!(format_uuid_v4(0), "00000000-0000-4000-8000-000000000000");
    assert_eq!(
        format_uuid_v4(u128::MAX),
        "ffffffff-ffff-4fff-bfff-ffffffffffff"
    );
}

// ---------------------------------------------------------------- header lists

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn header_lists_quote_as_the_protocol_tests_expect() {
    assert_eq!(fmt_header_list(&strings(&["a", "b", "c"])), "a, b, c");
    // RestJsonInputAndOutputWithQuotedStringHeaders
    let values = strings(&["b,c", "\"def\"", "a"]);
    let header = r#""b,c", "\"def\"", a"#;
    assert_eq!(fmt_header_list(&values), header);
    assert_eq!(split_header_list(header), values);
    assert_eq!(split_header_list("a, b, c"), strings(&["a", "b", "c"]));
    assert_eq!(split_header_list("1,2 ,  3"), strings(&["1", "2", "3"]));
    assert_eq!(split_header_list(""), Vec::<String>::new());
    assert_eq!(split_header_list("  "), Vec::<String>::new());
    assert_eq!(fmt_header_list(&[]), "");
}

#[test]
fn header_lists_round_trip_awkward_values() {
    let awkward = strings(&[
        "",
        " lead",
        "trail ",
        "back\\slash",
        "\"",
        ",",
        "a\"b,c\\",
        "plain",
        "x y",
    ]);
    let header = fmt_header_list(&awkward);
    assert_eq!(split_header_list(&header), awkward, "{header}");
    for v in &awkward {
        let one = vec![v.clone()];
        assert_eq!(split_header_list(&fmt_header_list(&one)), one, "{v:?}");
    }
    // Malformed input never panics: an unterminated quote runs to the end.
    assert_eq!(split_header_list(r#""abc"#), strings(&["abc"]));
    assert_eq!(split_header_list(r#""a\"#), strings(&["a"]));
    assert_eq!(split_header_list(r#""a" junk, b"#), strings(&["a", "b"]));
}

#[test]
fn http_date_lists() {
    // RestJsonInputAndOutputWithTimestampHeaders
    let header = "Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT";
    let dates = split_http_date_list(header);
    assert_eq!(
        dates,
        strings(&[
            "Mon, 16 Dec 2019 23:48:18 GMT",
            "Mon, 16 Dec 2019 23:48:18 GMT"
        ])
    );
    for d in &dates {
        assert_eq!(parse(d, Format::HttpDate), DateTime::from_secs(1576540098));
    }
    let mixed = split_http_date_list(
        "Sunday, 06-Nov-94 08:49:37 GMT,Sun Nov  6 08:49:37 1994, \"Tue, 29 Apr 2014 18:30:38 GMT\"",
    );
    assert_eq!(
        mixed,
        strings(&[
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Tue, 29 Apr 2014 18:30:38 GMT"
        ])
    );
    assert_eq!(split_http_date_list(""), Vec::<String>::new());
}

// ---------------------------------------------------------------- floats

#[test]
fn float_text() {
    assert_eq!(fmt_f64(f64::NAN), "NaN");
    assert_eq!(fmt_f64(f64::INFINITY), "Infinity");
    assert_eq!(fmt_f64(f64::NEG_INFINITY), "-Infinity");
    assert_eq!(fmt_f64(1.1), "1.1");
    assert_eq!(fmt_f64(5.1), "5.1");
    assert_eq!(fmt_f64(1.0), "1.0");
    assert_eq!(fmt_f64(-0.5), "-0.5");
    assert_eq!(fmt_f64(0.1 + 0.2), "0.30000000000000004");
    assert_eq!(fmt_f32(4.1), "4.1");
    assert_eq!(fmt_f32(1.1), "1.1");
    assert_eq!(fmt_f32(f32::NAN), "NaN");
    assert_eq!(fmt_f32(f32::NEG_INFINITY), "-Infinity");
    for v in [
        1.1,
        5.1,
        1e21,
        1e-7,
        123456.789,
        f64::MAX,
        f64::MIN_POSITIVE,
        -0.0,
    ] {
        assert_eq!(fmt_f64(v).parse::<f64>().unwrap(), v, "{v}");
    }
    for v in ["NaN", "Infinity", "-Infinity"] {
        assert_eq!(fmt_f64(v.parse().unwrap()), v);
    }
}

// ---------------------------------------------------------------- serde feature

#[cfg(feature = "serde")]
#[test]
fn serde_impls() {
    let t = DateTime::from_secs_and_nanos(1576540098, 500_000_000);
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#""2019-12-16T23:48:18.5Z""#
    );
    for json in [r#""2019-12-16T23:48:18.5Z""#, "1576540098.5"] {
        assert_eq!(serde_json::from_str::<DateTime>(json).unwrap(), t, "{json}");
    }
    assert_eq!(
        serde_json::from_str::<DateTime>("1576540098").unwrap(),
        DateTime::from_secs(1576540098)
    );
    assert!(serde_json::from_str::<DateTime>(r#""yesterday""#).is_err());
    assert!(serde_json::to_string(&DateTime::from_secs(i64::MAX)).is_err());

    let blob = Blob::new("foobar");
    assert_eq!(serde_json::to_string(&blob).unwrap(), r#""Zm9vYmFy""#);
    assert_eq!(serde_json::from_str::<Blob>(r#""Zm9vYmFy""#).unwrap(), blob);
    assert!(serde_json::from_str::<Blob>(r#""!!""#).is_err());

    let text = r#"{"a":[1,-2,1.5,"s",true,null],"b":{}}"#;
    let doc: Document = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&doc).unwrap(), text);
    assert_eq!(
        serde_json::to_string(&Document::from(vec![f64::NAN])).unwrap(),
        r#"["NaN"]"#
    );
    assert_eq!(
        serde_json::from_str::<Number>("-7").unwrap(),
        Number::NegInt(-7)
    );

    // The runtime's JSON tree writes the same text through serde as on its own.
    let value = json::from_str(r#"{"a":[1,-2,1.5,"é\u0001"],"b":{"c":null}}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&value).unwrap(),
        json::to_string(&value)
    );
}
