//! One line per change for people: what happens to which object (`migra diff`, `migra verify`).

use crate::change::{Change, TableChange};

/// One line for a change: what happens to which object.
pub fn describe(c: &Change) -> String {
    let q = |ns: &str, n: &str| {
        if ns.is_empty() {
            n.to_string()
        } else {
            format!("{ns}.{n}")
        }
    };
    match c {
        Change::AddNamespace { name } => format!("add namespace {name}"),
        Change::DropNamespace { name } => format!("drop namespace {name}"),
        Change::SetNamespaceComment { name, .. } => format!("comment on namespace {name}"),
        Change::AddTable { namespace, table } => format!("add table {}", q(namespace, &table.name)),
        Change::DropTable { namespace, table } => {
            format!("drop table {}", q(namespace, &table.name))
        }
        Change::RenameTable {
            namespace,
            from,
            to,
        } => format!("rename table {} to {to}", q(namespace, from)),
        Change::ModifyTable {
            namespace,
            table,
            changes,
        } => {
            let parts: Vec<String> = changes.iter().map(table_change).collect();
            format!("change table {}: {}", q(namespace, table), parts.join(", "))
        }
        Change::AddEnum { namespace, r#enum } => format!("add enum {}", q(namespace, &r#enum.name)),
        Change::DropEnum { namespace, r#enum } => {
            format!("drop enum {}", q(namespace, &r#enum.name))
        }
        Change::ModifyEnum { namespace, to, .. } => {
            format!("change enum {}", q(namespace, &to.name))
        }
        Change::AddView { namespace, view } => format!("add view {}", q(namespace, &view.name)),
        Change::DropView { namespace, view } => format!("drop view {}", q(namespace, &view.name)),
        Change::AddSequence {
            namespace,
            sequence,
        } => format!("add sequence {}", q(namespace, &sequence.name)),
        Change::DropSequence {
            namespace,
            sequence,
        } => format!("drop sequence {}", q(namespace, &sequence.name)),
        Change::ModifySequence { namespace, to, .. } => {
            format!("change sequence {}", q(namespace, &to.name))
        }
    }
}

/// One line for a change inside a table (`add column email`).
pub fn table_change(c: &TableChange) -> String {
    match c {
        TableChange::AddColumn { column } => format!("add column {}", column.name),
        TableChange::DropColumn { column } => format!("drop column {}", column.name),
        TableChange::RenameColumn { from, to } => format!("rename column {from} to {to}"),
        TableChange::ModifyColumn { to, what, .. } => {
            let w: Vec<String> = what
                .iter()
                .map(|a| format!("{a:?}").to_lowercase())
                .collect();
            format!("change column {} ({})", to.name, w.join(", "))
        }
        TableChange::AddIndex { index } => format!("add index {}", index.name),
        TableChange::DropIndex { index } => format!("drop index {}", index.name),
        TableChange::SetPrimaryKey { to: Some(_), .. } => "set primary key".into(),
        TableChange::SetPrimaryKey { to: None, .. } => "drop primary key".into(),
        TableChange::AddForeignKey { key } => format!("add foreign key {}", key.name),
        TableChange::DropForeignKey { key } => format!("drop foreign key {}", key.name),
        TableChange::AddCheck { check } => format!(
            "add check {}",
            check.name.as_deref().unwrap_or(&check.expression)
        ),
        TableChange::DropCheck { check } => format!(
            "drop check {}",
            check.name.as_deref().unwrap_or(&check.expression)
        ),
        TableChange::SetComment { .. } => "comment".into(),
    }
}
