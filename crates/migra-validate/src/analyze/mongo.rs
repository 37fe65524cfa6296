//! MongoDB migrations: each statement is one database command document (what `db.runCommand`
//! takes). The commands that change collections, validators and data shapes are read into
//! [`Command`]; anything else is said to be unanalysed, never passed silently.

use super::{Analysis, Kind, Lowered};
use crate::words::Words;
use serde_json::{Map, Value};

/// A MongoDB command as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `{create: c, validator?, validationLevel?, validationAction?}`.
    Create {
        /// Collection.
        collection: String,
        /// The whole validator document, if any.
        validator: Option<Value>,
    },
    /// `{drop: c}`.
    Drop {
        /// Collection.
        collection: String,
    },
    /// `{dropDatabase: 1}`.
    DropDatabase,
    /// `{collMod: c, validator?, validationLevel?, validationAction?}`.
    CollMod {
        /// Collection.
        collection: String,
        /// The new validator document, when set.
        validator: Option<Value>,
        /// `strict`, `moderate` or `off`, when set.
        level: Option<String>,
        /// `error`, `warn` or `errorAndLog`, when set.
        action: Option<String>,
    },
    /// `{update: c, updates: [...]}` whose updates `$unset` fields.
    Unset {
        /// Collection.
        collection: String,
        /// Field paths unset, in order.
        fields: Vec<String>,
    },
    /// `{renameCollection: "db.a", to: "db.b", dropTarget?}`.
    Rename {
        /// Old name (without the database).
        from: String,
        /// New name (without the database).
        to: String,
        /// An existing `to` is dropped first.
        drop_target: bool,
    },
    /// Any other command that is understood not to change collections or validators
    /// (`createIndexes`, `dropIndexes`, `insert`, `update`, `delete`, `findAndModify`...).
    Data(String),
}

/// Commands known not to change collections or validators.
const DATA_COMMANDS: &[&str] = &[
    "createIndexes",
    "dropIndexes",
    "insert",
    "update",
    "delete",
    "findAndModify",
    "find",
    "aggregate",
    "count",
];

/// Analyses one command document.
pub fn analyze(sql: &str) -> Analysis {
    let mut a = Analysis {
        ast: None,
        words: Words::scan(""),
        kind: Kind::Other,
        lowered: Lowered::default(),
        parse_error: None,
        syntax_error: None,
        opaque: None,
        mongo: None,
    };
    let doc: Map<String, Value> = match serde_json::from_str::<Value>(sql) {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            a.syntax_error = Some("a MongoDB migration statement is a JSON command document ({\"drop\": \"name\"}, ...)".into());
            return a;
        }
        Err(e) => {
            a.syntax_error = Some(format!(
                "not a JSON command document ({e}); write commands as db.runCommand takes them"
            ));
            return a;
        }
    };
    // The command name is the document's first key as written (the map itself is sorted).
    let Some((name, arg)) = first_key(sql).and_then(|k| doc.get_key_value(&k)) else {
        a.syntax_error = Some("an empty document is not a command".into());
        return a;
    };
    let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_string);
    let arg_name = arg.as_str().map(str::to_string);
    let command = match (name.as_str(), arg_name) {
        ("create", Some(c)) => Command::Create {
            collection: c,
            validator: doc.get("validator").cloned(),
        },
        ("drop", Some(c)) => Command::Drop { collection: c },
        ("dropDatabase", _) => Command::DropDatabase,
        ("collMod", Some(c)) => Command::CollMod {
            collection: c,
            validator: doc.get("validator").cloned(),
            level: text("validationLevel"),
            action: text("validationAction"),
        },
        ("renameCollection", Some(from)) => Command::Rename {
            from: unqualified(&from),
            to: text("to").map(|t| unqualified(&t)).unwrap_or_default(),
            drop_target: doc.get("dropTarget").and_then(Value::as_bool) == Some(true),
        },
        ("update", Some(c)) => {
            let fields = unset_fields(doc.get("updates"));
            if fields.is_empty() {
                Command::Data(name.clone())
            } else {
                Command::Unset {
                    collection: c,
                    fields,
                }
            }
        }
        (n, _) if DATA_COMMANDS.contains(&n) => Command::Data(n.to_string()),
        (n, _) => {
            a.opaque = Some(format!(
                "the MongoDB command `{n}` is not analysed: its effect on collections is unknown"
            ));
            return a;
        }
    };
    a.kind = match command {
        Command::Unset { .. } | Command::Data(_) => Kind::Dml,
        _ => Kind::Ddl,
    };
    a.mongo = Some(command);
    a
}

/// The first key of a JSON object's text (already known to parse).
fn first_key(sql: &str) -> Option<String> {
    let start = sql.find('"')?;
    let b = sql.as_bytes();
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return serde_json::from_str(&sql[start..=i]).ok(),
            _ => i += 1,
        }
    }
    None
}

/// `db.coll` → `coll` (renameCollection takes full namespaces).
fn unqualified(ns: &str) -> String {
    ns.split_once('.').map_or(ns, |(_, c)| c).to_string()
}

/// Field paths that `$unset` removes in the update statements (operator form; pipeline form
/// `[{"$unset": [...]}]` too).
fn unset_fields(updates: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(Value::Array(updates)) = updates else {
        return out;
    };
    for u in updates {
        let stages = match u.get("u") {
            Some(Value::Array(stages)) => stages.iter().collect(),
            Some(doc) => vec![doc],
            None => Vec::new(),
        };
        for stage in stages {
            match stage.get("$unset") {
                Some(Value::Object(m)) => out.extend(m.keys().cloned()),
                Some(Value::Array(a)) => {
                    out.extend(a.iter().filter_map(Value::as_str).map(String::from))
                }
                Some(Value::String(s)) => out.push(s.clone()),
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read() {
        let c = |s: &str| analyze(s).mongo;
        assert_eq!(
            c(r#"{"drop": "sessions"}"#),
            Some(Command::Drop {
                collection: "sessions".into()
            })
        );
        assert_eq!(
            c(
                r#"{"update": "users", "updates": [{"q": {}, "u": {"$unset": {"legacy": "", "a.b": 1}}, "multi": true}]}"#
            ),
            Some(Command::Unset {
                collection: "users".into(),
                fields: vec!["a.b".into(), "legacy".into()]
            })
        );
        assert_eq!(
            c(r#"{"renameCollection": "app.a", "to": "app.b", "dropTarget": true}"#),
            Some(Command::Rename {
                from: "a".into(),
                to: "b".into(),
                drop_target: true
            })
        );
        assert!(analyze("db.users.drop()").syntax_error.is_some());
        assert_eq!(
            c(r#"{"create": "logs", "capped": true, "size": 4096}"#),
            Some(Command::Create {
                collection: "logs".into(),
                validator: None
            })
        );
        assert!(analyze(r#"{"shardCollection": "app.a"}"#).opaque.is_some());
        assert_eq!(
            c(r#"{"createIndexes": "a", "indexes": []}"#),
            Some(Command::Data("createIndexes".into()))
        );
    }
}
