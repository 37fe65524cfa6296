//! `migra inspect [--json]`: the live schema in the neutral model.

use crate::config::Settings;
use crate::fail::Failure;
use crate::output::Out;
use crate::output::say_raw;
use migra::core::schema::{Database, IndexPart, Table};

pub async fn run(s: &Settings, out: Out) -> Result<(), Failure> {
    let opts = migra::ConnectOptions {
        table: s.table.clone(),
        read_only: true,
        ..Default::default()
    };
    let mut backend = migra::connect(&s.database, &opts).await?;
    let target = backend.target();
    let dialect = backend.dialect();
    let db = super::source::inspector(backend.as_mut(), dialect)?
        .inspect(&[])
        .await?;
    if out.json {
        out.json(&db);
    } else {
        say_raw!("{}", summary(&target, &db));
    }
    Ok(())
}

fn summary(target: &str, db: &Database) -> String {
    let mut o = format!("Database: {target}\n");
    for ns in &db.namespaces {
        o.push_str(&format!(
            "\nNamespace {} ({} tables, {} views)\n",
            ns.name,
            ns.tables.len(),
            ns.views.len()
        ));
        for t in &ns.tables {
            o.push_str(&table(t));
        }
        for v in &ns.views {
            o.push_str(&format!("\n  view {}\n", v.name));
        }
    }
    if !db.unmodelled.is_empty() {
        o.push_str("\nPresent but not modelled:\n");
        for u in &db.unmodelled {
            o.push_str(&format!("  {} {}\n", u.kind, u.name));
        }
    }
    o
}

fn table(t: &Table) -> String {
    let mut o = format!("\n  table {}\n", t.name);
    for c in &t.columns {
        let mut flags = Vec::new();
        if !c.nullable {
            flags.push("not null".to_string());
        }
        if let Some(d) = &c.default {
            flags.push(format!(
                "default {}",
                match d {
                    migra::core::schema::ColumnDefault::Literal(v)
                    | migra::core::schema::ColumnDefault::Expression(v) => v,
                }
            ));
        }
        if let Some(u) = &c.on_update {
            flags.push(format!("on update {u}"));
        }
        if c.identity.is_some() {
            flags.push("identity".into());
        }
        if let Some(g) = &c.generated {
            flags.push(format!(
                "generated as ({}){}",
                g.expression,
                if g.stored { " stored" } else { "" }
            ));
        }
        o.push_str(&format!(
            "    {} {}{}\n",
            c.name,
            c.r#type.raw,
            if flags.is_empty() {
                String::new()
            } else {
                format!(" ({})", flags.join(", "))
            }
        ));
    }
    if let Some(pk) = &t.primary_key {
        o.push_str(&format!("    primary key ({})\n", pk.columns.join(", ")));
    }
    for i in &t.indexes {
        let parts: Vec<String> = i
            .parts
            .iter()
            .map(|p| match p {
                IndexPart::Column { name, desc, .. } => {
                    format!("{name}{}", if *desc { " DESC" } else { "" })
                }
                IndexPart::Expression { sql, desc, .. } => {
                    format!("({sql}){}", if *desc { " DESC" } else { "" })
                }
            })
            .collect();
        let pred = i
            .predicate
            .as_ref()
            .map(|p| format!(" where {p}"))
            .unwrap_or_default();
        o.push_str(&format!(
            "    {}index {} ({}){pred}\n",
            if i.unique { "unique " } else { "" },
            i.name,
            parts.join(", ")
        ));
    }
    for f in &t.foreign_keys {
        // NO ACTION is every database's default: only the other actions are worth a word.
        let action = |on: &str, a: migra::core::schema::FkAction| match a {
            migra::core::schema::FkAction::NoAction => String::new(),
            a => format!(" on {on} {}", a.keywords().to_lowercase()),
        };
        o.push_str(&format!(
            "    foreign key ({}) references {} ({}){}{}{}\n",
            f.columns.join(", "),
            f.ref_table,
            f.ref_columns.join(", "),
            action("delete", f.on_delete),
            action("update", f.on_update),
            match (f.deferrable, f.initially_deferred) {
                (true, true) => " deferrable initially deferred",
                (true, false) => " deferrable",
                (false, _) => "",
            }
        ));
    }
    for c in &t.checks {
        o.push_str(&format!(
            "    check ({}){}\n",
            c.expression,
            c.name
                .as_ref()
                .map(|n| format!(" named {n}"))
                .unwrap_or_default()
        ));
    }
    o
}
