//! DL109 drop-collection.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DL109",
    name: "drop-collection",
    severity: Severity::Error,
    dialects: MONGO,
    detects: "A MongoDB command that deletes stored documents or fields: `drop` of a collection, `dropDatabase`, `renameCollection` with `dropTarget` over an existing collection, an `update` that `$unset`s fields.",
    why: "The documents (or the unset fields' values) are gone for good; a rollback cannot bring them back, and the running release may still read them.",
    instead: "Stop reading the collection or field first, copy it aside (`$out`/`$merge` to a backup collection), and drop it in a later release.",
    probe: Some(
        "Counts the documents in the collection (or those holding the unset fields); probes run once the MongoDB backend exists.",
    ),
    examples: &[Example::new(
        MONGO,
        r#"{"create": "sessions"} {"create": "users"}"#,
        r#"{"drop": "sessions"}
{"update": "users", "updates": [{"q": {}, "u": {"$unset": {"legacy_token": ""}}, "multi": true}]}"#,
        r#"{"aggregate": "sessions", "pipeline": [{"$out": "sessions_backup"}], "cursor": {}}"#,
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let Some(cmd) = &cx.analysis.mongo else {
            return;
        };
        let existed = |c: &str| cx.schema.collection_existed(c);
        let (object, message) = match cmd {
            Command::Drop { collection } if existed(collection) => (
                collection.clone(),
                format!("dropping collection {collection} deletes all its documents"),
            ),
            Command::DropDatabase => {
                let names: Vec<&str> = cx
                    .schema
                    .database()
                    .namespaces
                    .iter()
                    .flat_map(|n| &n.collections)
                    .map(|c| c.name.as_str())
                    .filter(|c| existed(c))
                    .collect();
                let what = if names.is_empty() {
                    "every collection of the database".to_string()
                } else {
                    format!("every collection of the database ({})", names.join(", "))
                };
                (String::new(), format!("dropDatabase deletes {what}"))
            }
            Command::Rename {
                from,
                to,
                drop_target: true,
            } if existed(to) => (
                to.clone(),
                format!("renaming {from} to {to} with dropTarget deletes the documents of {to}"),
            ),
            Command::Unset { collection, fields } if existed(collection) => (
                collection.clone(),
                format!(
                    "unsetting {} in {collection} deletes those values from every matching document",
                    fields.join(", ")
                ),
            ),
            _ => return,
        };
        let mut f = cx.finding(&INFO, message);
        if !object.is_empty() {
            f = f.on(object);
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
