//! Properties of the contract that hold for every input: stages cover every DPD, bad input is
//! always an error object (never a panic), and the engine never names a pack.

use arrears_core::{ffi, policy::packs, Case, ErrorCode, Policy};
use proptest::prelude::*;

#[test]
fn every_dpd_from_0_to_400_maps_to_exactly_one_stage_in_both_packs() {
    for id in packs::IDS {
        let policy = Policy::builtin(id).unwrap();
        for dpd in 0..=400u32 {
            let matching: Vec<&str> = policy
                .document()
                .stages
                .iter()
                .filter(|s| {
                    !s.pre_due
                        && s.min_dpd.is_some_and(|m| m <= dpd)
                        && s.max_dpd.is_none_or(|m| dpd <= m)
                })
                .map(|s| s.id.as_str())
                .collect();
            assert_eq!(
                matching.len(),
                1,
                "{id}: DPD {dpd} is in stages {matching:?}"
            );
            assert_eq!(policy.stage_for_dpd(dpd).id.as_str(), matching[0]);
        }
    }
}

#[test]
fn the_engine_never_names_a_pack() {
    // Policy is data: no source file of the engine may mention a pack id or a jurisdiction
    // prefix as a literal. packs.rs, which embeds the documents, is the one place allowed to.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    let mut offenders = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.file_name().is_some_and(|n| n == "packs.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for needle in [
                "cn-microloan",
                "us-reg-f",
                "\"cn.",
                "\"us.",
                "\"cn\"",
                "\"us\"",
            ] {
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    if code.contains(needle) {
                        offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "pack names in engine code:\n{}",
        offenders.join("\n")
    );
}

const SAMPLE: &str = include_str!("../../examples/cases/overdue-consumer-loan.json");

fn assert_error_object(out: &str) {
    let v: serde_json::Value = serde_json::from_str(out).expect("output is JSON");
    let e = &v["error"];
    let code = e["code"].as_str().expect("error.code is a string");
    assert!(
        [
            "invalid_json",
            "invalid_field",
            "unknown_field",
            "out_of_range",
            "inconsistent",
            "unknown_policy",
            "policy_invalid",
            "limit_exceeded"
        ]
        .contains(&code),
        "unexpected code {code}"
    );
    assert!(e["path"].is_string(), "error.path is a string: {out}");
    assert!(!e["message"].as_str().unwrap_or("").is_empty());
}

/// Mutations of a JSON value: replace a leaf, drop a key, add an unknown key, change a type.
fn mutate(v: &mut serde_json::Value, seed: &[u8], depth: usize) {
    use serde_json::Value;
    let pick = |n: usize| {
        if n == 0 {
            0
        } else {
            usize::from(seed[depth % seed.len()]) % n
        }
    };
    match v {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let k = &keys[pick(keys.len())];
            match seed[(depth + 1) % seed.len()] % 5 {
                0 => {
                    map.remove(k);
                }
                1 => {
                    map.insert(format!("{k}_x"), Value::Bool(true));
                }
                _ => mutate(map.get_mut(k).unwrap(), seed, depth + 1),
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = pick(items.len());
            if seed[(depth + 1) % seed.len()].is_multiple_of(4) {
                let copy = items[i].clone();
                items.push(copy);
            } else {
                mutate(&mut items[i], seed, depth + 1);
            }
        }
        _ => {
            *v = match seed[(depth + 2) % seed.len()] % 9 {
                0 => Value::Null,
                1 => Value::from(-1),
                2 => Value::from("2026-02-30"),
                3 => Value::from("9999-12-31T23:59:59+14:00"),
                4 => Value::from(i64::MAX),
                5 => Value::from(1.5),
                6 => Value::from("24:00"),
                7 => Value::from(""),
                _ => Value::Array(vec![]),
            };
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_text_is_a_decision_or_an_error_object(text in ".{0,300}") {
        match ffi::decide("cn-microloan", &text) {
            Ok(out) => { serde_json::from_str::<serde_json::Value>(&out).unwrap(); }
            Err(out) => assert_error_object(&out),
        }
    }

    #[test]
    fn mutated_cases_never_panic_and_fail_with_an_error_object(
        seed in proptest::collection::vec(any::<u8>(), 1..16),
        rounds in 1usize..4,
        pack in 0usize..2,
    ) {
        let mut v: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        for r in 0..rounds {
            let mut s = seed.clone();
            s.rotate_left(r % seed.len());
            mutate(&mut v, &s, 0);
        }
        let text = v.to_string();
        match ffi::decide(packs::IDS[pack], &text) {
            Ok(out) => {
                let d: serde_json::Value = serde_json::from_str(&out).unwrap();
                prop_assert!(d["delinquency"]["stage"]["id"].is_string());
            }
            Err(out) => assert_error_object(&out),
        }
    }

    #[test]
    fn byte_level_corruption_of_a_case_never_panics(pos in 0usize..2000, byte in any::<u8>()) {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        let i = pos % bytes.len();
        bytes[i] = byte;
        if let Ok(text) = String::from_utf8(bytes) {
            match ffi::decide("us-reg-f", &text) {
                Ok(_) => {}
                Err(out) => assert_error_object(&out),
            }
        }
    }
}

#[test]
fn error_paths_name_the_field() {
    let mut v: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
    v["account"]["installments"][1]["due"] = "2026-13-01".into();
    let err = Case::from_json(&v.to_string()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidField);
    assert_eq!(err.path, "account.installments[1].due");
}

#[test]
fn the_fuzz_script_fails_on_every_kind_of_find_libfuzzer_writes() {
    // A copy of scripts/fuzz.sh in a scratch tree whose artifacts hold one planted find: the
    // script must stop with a failing status before it builds anything.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let script = std::fs::read_to_string(root.join("scripts/fuzz.sh")).unwrap();
    for kind in ["crash", "oom", "timeout", "leak"] {
        let scratch =
            std::env::temp_dir().join(format!("arrears-fuzz-script-{kind}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(scratch.join("scripts")).unwrap();
        std::fs::create_dir_all(scratch.join("fuzz/artifacts/plan")).unwrap();
        std::fs::write(scratch.join("scripts/fuzz.sh"), &script).unwrap();
        std::fs::write(
            scratch.join(format!("fuzz/artifacts/plan/{kind}-planted")),
            b"{}",
        )
        .unwrap();
        let out = std::process::Command::new("bash")
            .arg(scratch.join("scripts/fuzz.sh"))
            .args(["1", "plan"])
            .output()
            .unwrap();
        std::fs::remove_dir_all(&scratch).unwrap();
        assert!(!out.status.success(), "a planted {kind}- find passed");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains(&format!("{kind}-planted")),
            "the script does not name the {kind}- find: {said}"
        );
    }
}
