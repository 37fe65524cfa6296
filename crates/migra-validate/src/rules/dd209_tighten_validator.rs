//! DD209 tighten-validator.
use super::prelude::*;
use serde_json::Value;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DD209",
    name: "tighten-validator",
    severity: Severity::Error,
    dialects: MONGO,
    detects: "A MongoDB `collMod` that makes an existing collection's validator stricter: a validator where there was none, new required fields, narrower types or values, tighter bounds, no other fields allowed, or validation failures turned into errors.",
    why: "MongoDB does not check existing documents when the validator changes: those that now fail stay, and every later update of them fails (validationLevel strict), as do the running release's writes of documents the old rules allowed.",
    instead: "Set the new validator with validationAction \"warn\" first, count the failing documents (`{\"$nor\": [validator]}`), fix them, then switch to \"error\"; or use validationLevel \"moderate\" while old documents remain.",
    probe: Some(
        "Counts documents that fail the new validator (`$nor`); probes run once the MongoDB backend exists.",
    ),
    examples: &[Example::new(
        MONGO,
        r#"{"create": "users", "validator": {"$jsonSchema": {"bsonType": "object", "required": ["email"], "properties": {"email": {"bsonType": "string"}}}}}"#,
        r#"{"collMod": "users", "validator": {"$jsonSchema": {"bsonType": "object", "required": ["email", "name"], "properties": {"email": {"bsonType": "string", "maxLength": 100}}}}}"#,
        r#"{"collMod": "users", "validator": {"$jsonSchema": {"bsonType": "object", "required": ["email", "name"], "properties": {"email": {"bsonType": "string", "maxLength": 100}}}}, "validationAction": "warn"}"#,
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let Some(Command::CollMod {
            collection,
            validator,
            level,
            action,
        }) = &cx.analysis.mongo
        else {
            return;
        };
        if !cx.schema.collection_existed(collection)
            || matches!(action.as_deref(), Some("warn"))
            || matches!(level.as_deref(), Some("off"))
        {
            return;
        }
        let old = cx.schema.validator(collection);
        let reasons = match validator {
            Some(new) => tightened(old.as_ref(), new),
            // Only the action changes: failures that were logged now reject the write.
            None if action.as_deref() == Some("error") && old.is_some() => {
                vec!["validation failures now reject writes (validationAction \"error\")".into()]
            }
            None => Vec::new(),
        };
        if reasons.is_empty() {
            return;
        }
        out.push(
            cx.finding(
                &INFO,
                format!(
                    "the validator of {collection} gets stricter: {}; existing documents are not checked",
                    reasons.join("; ")
                ),
            )
            .on(collection.clone()),
        );
    }
}

/// How `new` is stricter than `old`, one reason each (empty: not stricter).
pub(crate) fn tightened(old: Option<&Value>, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(old) = old else {
        out.push("a validator where there was none".into());
        return out;
    };
    match (old.get("$jsonSchema"), new.get("$jsonSchema")) {
        (Some(o), Some(n)) => compare(String::new(), o, n, &mut out),
        (None, Some(_)) => out.push("a $jsonSchema where there was none".into()),
        _ => {}
    }
    let rest = |v: &Value| -> Vec<(String, String)> {
        v.as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| *k != "$jsonSchema")
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    if rest(new).iter().any(|kv| !rest(old).contains(kv)) {
        out.push("new or changed query-operator rules (not compared, taken as stricter)".into());
    }
    out
}

fn compare(path: String, o: &Value, n: &Value, out: &mut Vec<String>) {
    let at = |what: &str| {
        if path.is_empty() {
            what.to_string()
        } else {
            format!("{path}: {what}")
        }
    };
    let strings = |v: &Value, k: &str| -> Vec<String> {
        match v.get(k) {
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), String::from))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let old_required = strings(o, "required");
    for r in strings(n, "required") {
        if !old_required.contains(&r) {
            let field = if path.is_empty() {
                r
            } else {
                format!("{path}.{r}")
            };
            out.push(format!("requires {field}"));
        }
    }
    for key in ["bsonType", "type"] {
        let (was, now) = (strings(o, key), strings(n, key));
        if !now.is_empty() && (was.is_empty() || was.iter().any(|t| !now.contains(t))) {
            out.push(at(&format!("only {} allowed", now.join("/"))));
        }
    }
    if let Some(Value::Array(now)) = n.get("enum") {
        let narrowed = match o.get("enum") {
            Some(Value::Array(was)) => was.iter().any(|v| !now.contains(v)),
            _ => true,
        };
        if narrowed {
            out.push(at("fewer allowed values (enum)"));
        }
    }
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
    for (key, up) in [
        ("minimum", true),
        ("exclusiveMinimum", true),
        ("minLength", true),
        ("minItems", true),
        ("minProperties", true),
        ("maximum", false),
        ("exclusiveMaximum", false),
        ("maxLength", false),
        ("maxItems", false),
        ("maxProperties", false),
    ] {
        if let Some(now) = num(n, key) {
            let stricter = match num(o, key) {
                Some(was) if up => now > was,
                Some(was) => now < was,
                None => true,
            };
            if stricter {
                out.push(at(&format!("{key} {now}")));
            }
        }
    }
    if n.get("pattern").is_some() && n.get("pattern") != o.get("pattern") {
        out.push(at("a new pattern"));
    }
    if n.get("additionalProperties") == Some(&Value::Bool(false))
        && o.get("additionalProperties") != Some(&Value::Bool(false))
    {
        out.push(at("no other fields allowed"));
    }
    let empty = Value::Object(Default::default());
    if let Some(Value::Object(props)) = n.get("properties") {
        for (name, schema) in props {
            let was = o
                .get("properties")
                .and_then(|p| p.get(name))
                .unwrap_or(&empty);
            let sub = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            compare(sub, was, schema, out);
        }
    }
    if let Some(items) = n.get("items").filter(|i| i.is_object()) {
        compare(
            format!("{path}[]"),
            o.get("items").unwrap_or(&empty),
            items,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }

    #[test]
    fn loosening_is_not_tightening() {
        let old = json!({"$jsonSchema": {"required": ["a", "b"], "properties": {"a": {"bsonType": "string", "maxLength": 10}, "s": {"enum": ["x"]}}}});
        let looser = json!({"$jsonSchema": {"required": ["a"], "properties": {"a": {"bsonType": ["string", "null"], "maxLength": 20}, "s": {"enum": ["x", "y"]}}}});
        assert!(super::tightened(Some(&old), &looser).is_empty());
        let stricter = json!({"$jsonSchema": {"required": ["a", "b"], "additionalProperties": false, "properties": {"a": {"bsonType": "string", "maxLength": 5, "pattern": "^x"}, "s": {"enum": []}}}});
        assert_eq!(
            super::tightened(Some(&old), &stricter),
            vec![
                "no other fields allowed",
                "a: maxLength 5",
                "a: a new pattern",
                "s: fewer allowed values (enum)"
            ]
        );
        assert_eq!(
            super::tightened(None, &looser),
            vec!["a validator where there was none"]
        );
    }
}
