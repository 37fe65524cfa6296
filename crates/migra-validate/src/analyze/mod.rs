//! Statement analysis: parse a statement for the target dialect, classify it, and lower it into the
//! typed changes it makes to the schema as it stands.
//!
//! What cannot be lowered is said: [`Analysis::opaque`] holds the reason, and the tables it may have
//! changed are marked uncertain in the replayed schema.

pub mod alter;
pub mod mongo;
pub mod names;
mod objects;
pub mod table;
pub mod types;

use crate::state::Schema;
use crate::target::Target;
use crate::words::Words;
use migra_core::{ApplyError, Change, DialectId};
use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// Why a lowered statement will fail on the schema as replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// It names an object that is not there.
    Missing {
        /// Object kind.
        kind: &'static str,
        /// Object name.
        name: String,
        /// What the name is instead, when known.
        hint: Option<String>,
    },
    /// It creates an object that is already there.
    Exists {
        /// Object kind.
        kind: &'static str,
        /// Object name.
        name: String,
    },
}

impl Problem {
    /// The model's own complaint as a problem.
    pub fn from_apply(e: ApplyError) -> Self {
        match e {
            ApplyError::Missing { kind, name } => Problem::Missing {
                kind,
                name,
                hint: None,
            },
            ApplyError::Exists { kind, name } => Problem::Exists { kind, name },
            _ => Problem::Missing {
                kind: "object",
                name: e.to_string(),
                hint: None,
            },
        }
    }

    /// The table the problem is about (the first part of its name).
    pub fn table(&self) -> &str {
        let (Problem::Missing { name, .. } | Problem::Exists { name, .. }) = self;
        name.split('.').next().unwrap_or(name)
    }

    /// One sentence for a diagnostic.
    pub fn describe(&self) -> String {
        match self {
            Problem::Missing {
                kind,
                name,
                hint: Some(h),
            } => format!("{kind} {name} does not exist: {h}"),
            Problem::Missing {
                kind,
                name,
                hint: None,
            } => format!("{kind} {name} does not exist"),
            Problem::Exists { kind, name } => format!("{kind} {name} already exists"),
        }
    }
}

/// What lowering produced.
#[derive(Debug, Clone, Default)]
pub struct Lowered {
    /// Changes rules see, in order.
    pub changes: Vec<Change>,
    /// Changes applied to the replayed schema that are bookkeeping, not news (constraint renames).
    pub quiet: Vec<Change>,
    /// Ways the statement will fail on the replayed schema.
    pub problems: Vec<Problem>,
    /// Parts the model does not hold (said in diagnostics, never dropped silently).
    pub unmodelled: Vec<String>,
    /// Objects outside the model created (`true`) or dropped (`false`): (kind, namespace, name).
    pub others: Vec<(&'static str, String, String, bool)>,
}

/// The broad kind of a statement, read from its leading words (so even unparsed statements have one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Schema change.
    Ddl,
    /// INSERT, UPDATE, DELETE, MERGE, COPY, TRUNCATE.
    Dml,
    /// SELECT, WITH, VALUES, SHOW, EXPLAIN.
    Query,
    /// BEGIN / START TRANSACTION.
    Begin,
    /// COMMIT / END.
    Commit,
    /// ROLLBACK / ABORT.
    Rollback,
    /// SET, RESET, USE, PRAGMA: session settings.
    Session,
    /// VACUUM, ANALYZE, CLUSTER, REINDEX, OPTIMIZE.
    Maintenance,
    /// GRANT, REVOKE, roles and policies.
    Privilege,
    /// Code: DO blocks, CALL, EXECUTE.
    Procedural,
    /// Anything else.
    Other,
}

/// Everything known about one statement.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The parsed statement, when the parser reads it.
    pub ast: Option<Statement>,
    /// Its words.
    pub words: Words,
    /// Its kind.
    pub kind: Kind,
    /// The lowered changes and problems.
    pub lowered: Lowered,
    /// The parser's complaint, when it could not read the statement.
    pub parse_error: Option<String>,
    /// A definite syntax error (the statement is not valid SQL), with the reason.
    pub syntax_error: Option<String>,
    /// Why the statement's effect on the schema is not known, when it is not.
    pub opaque: Option<String>,
    /// The command, for MongoDB (whose statements are JSON command documents).
    pub mongo: Option<mongo::Command>,
}

impl Analysis {
    /// The lowered changes.
    pub fn changes(&self) -> &[Change] {
        &self.lowered.changes
    }
}

fn parser_dialect(d: DialectId) -> Option<&'static dyn Dialect> {
    match d {
        DialectId::Postgres => Some(&PostgreSqlDialect {}),
        DialectId::Mysql => Some(&MySqlDialect {}),
        DialectId::Sqlite => Some(&SQLiteDialect {}),
        _ => None,
    }
}

/// Parses one statement; `Err` holds the parser's message.
pub fn parse_one(target: &Target, sql: &str) -> Result<Statement, String> {
    let Some(d) = parser_dialect(target.dialect) else {
        return Err(format!("{} scripts are not SQL", target.dialect.name()));
    };
    let mut stmts = Parser::parse_sql(d, sql).map_err(|e| e.to_string())?;
    match stmts.len() {
        1 => Ok(stmts.remove(0)),
        n => Err(format!("expected one statement, found {n}")),
    }
}

fn kind_of(w: &Words) -> Kind {
    match w.get(0).unwrap_or("") {
        "CREATE" | "ALTER" | "DROP" | "RENAME" | "COMMENT" => {
            if w.starts_with_create(&["POLICY"])
                || w.starts_with_create(&["ROLE"])
                || w.starts_with_create(&["USER"])
            {
                Kind::Privilege
            } else {
                Kind::Ddl
            }
        }
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "COPY" | "TRUNCATE" | "REPLACE" | "UPSERT"
        | "LOAD" => Kind::Dml,
        "SELECT" | "WITH" | "VALUES" | "SHOW" | "EXPLAIN" | "TABLE" | "DESCRIBE" => Kind::Query,
        "BEGIN" | "START" => Kind::Begin,
        "COMMIT" | "END" => Kind::Commit,
        "ROLLBACK" | "ABORT" => Kind::Rollback,
        "SET" | "RESET" | "USE" | "PRAGMA" | "SAVEPOINT" | "RELEASE" | "LOCK" | "UNLOCK"
        | "DISCARD" | "LISTEN" | "NOTIFY" => Kind::Session,
        "VACUUM" | "ANALYZE" | "ANALYSE" | "CLUSTER" | "REINDEX" | "OPTIMIZE" | "CHECKPOINT"
        | "REFRESH" => Kind::Maintenance,
        "GRANT" | "REVOKE" => Kind::Privilege,
        "DO" | "CALL" | "EXECUTE" | "PREPARE" | "DEALLOCATE" | "DECLARE" => Kind::Procedural,
        _ => Kind::Other,
    }
}

/// DDL forms that create or change things outside the table model (functions, triggers, ...):
/// their effect on the model is known to be none.
fn outside_model(w: &Words) -> bool {
    const KINDS: &[&str] = &[
        "FUNCTION",
        "PROCEDURE",
        "TRIGGER",
        "EXTENSION",
        "POLICY",
        "ROLE",
        "USER",
        "RULE",
        "AGGREGATE",
        "OPERATOR",
        "COLLATION",
        "EVENT",
        "PUBLICATION",
        "SUBSCRIPTION",
        "SERVER",
        "STATISTICS",
        "TEXT",
        "CAST",
        "CONVERSION",
        "LANGUAGE",
        "TRANSFORM",
        "DOMAIN",
        "GROUP",
        "TABLESPACE",
        "DEFAULT",
        "FOREIGN",
    ];
    let i = match w.get(0) {
        Some("CREATE") if w.get(1) == Some("OR") => 3,
        Some("CREATE" | "ALTER" | "DROP" | "COMMENT") => 1,
        _ => return false,
    };
    let k = w.get(i).unwrap_or("");
    KINDS.contains(&k)
        || (k == "CONSTRAINT" && w.get(i + 1) == Some("TRIGGER"))
        || (w.get(0) == Some("COMMENT"))
}

/// Analyses `sql` against the schema as it stands.
pub fn analyze(target: &Target, schema: &Schema, sql: &str) -> Analysis {
    if target.dialect == DialectId::Mongodb {
        return mongo::analyze(sql);
    }
    // What a MySQL executable comment holds runs: it is checked as any statement is.
    let opened = match target.dialect {
        DialectId::Mysql => migra_core::words::unwrap_executable_comments(sql),
        _ => std::borrow::Cow::Borrowed(sql),
    };
    let sql = &*opened;
    let words = Words::scan(sql);
    let kind = kind_of(&words);
    let mut a = Analysis {
        ast: None,
        words,
        kind,
        lowered: Lowered::default(),
        parse_error: None,
        syntax_error: None,
        opaque: None,
        mongo: None,
    };
    // A client's command (psql `\set`, COPY FROM STDIN, `.import`) never reaches the server.
    if let Some(why) = migra_core::client::client_command(target.dialect, sql) {
        a.syntax_error = Some(why);
        return a;
    }
    let parsed = parse_one(target, sql)
        .or_else(|e| retry_without(target, sql, &a.words, "CONCURRENTLY").ok_or(e));
    match parsed {
        Ok(stmt) => {
            lower(target, schema, &stmt, &mut a);
            a.ast = Some(stmt);
        }
        Err(e) => {
            a.syntax_error = definite_syntax_error(target, sql, &e);
            if a.syntax_error.is_none() && !known_without_parse(&a) {
                a.opaque = Some(format!("the SQL parser could not read it ({e})"));
            }
            a.parse_error = Some(e);
        }
    }
    a
}

/// Statements whose effect on the model is known without parsing them.
fn known_without_parse(a: &Analysis) -> bool {
    match a.kind {
        Kind::Ddl => outside_model(&a.words),
        Kind::Procedural | Kind::Other => false,
        // DML, queries, sessions, maintenance, privileges: no effect on the schema.
        _ => true,
    }
}

/// Re-parses without `word` (a keyword the parser lacks in this position, like `DROP INDEX
/// CONCURRENTLY`); the rules still see the word in [`Analysis::words`].
fn retry_without(target: &Target, sql: &str, w: &Words, word: &str) -> Option<Statement> {
    let at = w.offset_of(word)?;
    let cut = format!("{}{}", &sql[..at], &sql[at + word.len()..]);
    parse_one(target, &cut).ok()
}

/// A statement the parser rejects is a definite syntax error when it is two valid statements run
/// together (a missing `;`). Anything else may be valid SQL the parser does not know, and is
/// reported as unanalysed instead.
fn definite_syntax_error(target: &Target, sql: &str, err: &str) -> Option<String> {
    const STARTS: &[&str] = &[
        "ALTER", "CREATE", "DROP", "INSERT", "UPDATE", "DELETE", "GRANT", "TRUNCATE", "COMMENT",
    ];
    let mut offset = 0;
    for (i, line) in sql.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        if i == 0 {
            continue;
        }
        let first = line
            .trim_start()
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        if !STARTS.iter().any(|s| s.eq_ignore_ascii_case(first)) {
            continue;
        }
        let (head, tail) = sql.split_at(start);
        if parse_one(target, head).is_ok()
            && Parser::parse_sql(parser_dialect(target.dialect)?, tail).is_ok()
        {
            return Some(format!(
                "a `;` is missing at the end of line {i}: the next line starts a new statement ({err})"
            ));
        }
    }
    None
}

/// Lowers a parsed statement into `a.lowered`, marking what is not modelled.
fn lower(target: &Target, schema: &Schema, stmt: &Statement, a: &mut Analysis) {
    let out = &mut a.lowered;
    match stmt {
        Statement::CreateTable(ct) => {
            if ct.query.is_some()
                || ct.like.is_some()
                || ct.clone.is_some()
                || ct.partition_of.is_some()
            {
                let q = names::qname(target, &ct.name);
                a.opaque = Some(format!(
                    "CREATE TABLE {} takes its columns from another table or query",
                    q.name
                ));
                return;
            }
            let (q, t, unmodelled) = table::create_table(target, schema, ct);
            out.unmodelled.extend(unmodelled);
            if schema.table(&q.ns, &q.name).is_some() {
                if !ct.if_not_exists {
                    out.problems.push(Problem::Exists {
                        kind: "table",
                        name: q.name,
                    });
                }
                return;
            }
            if ct.temporary {
                return;
            }
            out.changes.push(Change::AddTable {
                namespace: q.ns,
                table: t,
            });
        }
        Statement::AlterTable(at) => alter::alter_table(target, schema, at, out),
        Statement::CreateIndex(ci) => objects::create_index(target, schema, ci, out),
        Statement::Drop {
            object_type,
            if_exists,
            names,
            table,
            ..
        } => {
            objects::drop(
                target,
                schema,
                object_type,
                names,
                *if_exists,
                table.as_ref(),
                out,
            );
        }
        Statement::CreateType {
            name,
            representation: Some(sqlparser::ast::UserDefinedTypeRepresentation::Enum { labels }),
        } => {
            objects::create_enum(target, name, labels, out);
        }
        Statement::AlterType(at) => objects::alter_type(target, schema, at, out),
        Statement::CreateView(cv) => objects::create_view(target, schema, cv, out),
        Statement::CreateSequence {
            name,
            if_not_exists,
            ..
        } => {
            let q = names::qname(target, name);
            let exists = schema
                .namespace(&q.ns)
                .is_some_and(|n| n.sequences.iter().any(|s| s.name == q.name));
            if !exists {
                objects::create_sequence(target, name, out);
            } else if !if_not_exists {
                out.problems.push(Problem::Exists {
                    kind: "sequence",
                    name: q.name,
                });
            }
        }
        Statement::CreateSchema {
            schema_name:
                sqlparser::ast::SchemaName::Simple(n)
                | sqlparser::ast::SchemaName::NamedAuthorization(n, _),
            ..
        } => {
            out.changes.push(Change::AddNamespace {
                name: names::qname(target, n).name,
            });
        }
        Statement::CreateDatabase { db_name, .. } if target.dialect == DialectId::Mysql => {
            out.changes.push(Change::AddNamespace {
                name: names::qname(target, db_name).name,
            });
        }
        Statement::RenameTable(pairs) => objects::rename_tables(target, pairs, out),
        Statement::Execute { .. } | Statement::Call(_) => {
            a.opaque = Some("it runs code whose effect on the schema is unknown".into());
        }
        // Schema statements of kinds the model does not hold (ALTER INDEX, ALTER VIEW, COMMENT, ...)
        // change no table; code is opaque.
        _ if a.kind == Kind::Procedural => {
            a.opaque = Some("it runs code whose effect on the schema is unknown".into());
        }
        _ => {}
    }
}
