//! Types, as written after `instance of`, in function parameters and in `parse_type`.

use crate::error::Span;

use super::ast::Type;
use super::lexer::Kind;
use super::parser::{syntax_error, Parser, Result};

/// Type names of several words, recognised even where they are not marked as names.
const MULTI_WORD_TYPES: &[(&str, &[&str])] = &[
    ("date", &["and", "time"]),
    ("days", &["and", "time", "duration"]),
    ("years", &["and", "months", "duration"]),
];

impl Parser<'_> {
    /// `list<T>`, `range<T>`, `context<k: T, …>`, `function<T, …> -> R` or a named type.
    pub(super) fn type_(&mut self) -> Result<Type> {
        let t = self.peek();
        if t.kind == Kind::Name && self.is_punct(self.nth(1), "<") {
            let kind = self.slice(t);
            if matches!(kind, "list" | "range" | "context" | "function") {
                let saved = self.save();
                self.bump();
                self.bump();
                let parsed = match kind {
                    "list" => self.closed_type().map(|t| Type::List(Box::new(t))),
                    "range" => self.closed_type().map(|t| Type::Range(Box::new(t))),
                    "context" => self.context_type(),
                    _ => self.function_type(),
                };
                match parsed {
                    Ok(t) => return Ok(t),
                    // not a parameterised type after all: `list` is also a type name
                    // (`x instance of list < y` compares)
                    Err(_) => self.restore(saved),
                }
            }
        }
        self.named_type()
    }

    /// `T>`
    fn closed_type(&mut self) -> Result<Type> {
        let t = self.type_()?;
        self.expect(">", "to close the type")?;
        Ok(t)
    }

    fn context_type(&mut self) -> Result<Type> {
        let fields = self.closed_list(">", "or ',' in the context type", |p| {
            let name = p.expect_name("a context entry name")?;
            p.expect(":", "after the entry name")?;
            Ok((p.name_text(name), p.type_()?))
        })?;
        Ok(Type::Context(fields))
    }

    fn function_type(&mut self) -> Result<Type> {
        let params = self.closed_list(">", "or ',' in the parameter types", Self::type_)?;
        // `->`: two tokens, written together
        let arrow = self.peek();
        let head = self.nth(1);
        if !(self.is_punct(arrow, "-") && self.is_punct(head, ">") && head.start == arrow.end) {
            return Err(self.unexpected("'->' before the result type"));
        }
        self.bump();
        self.bump();
        let ret = self.type_()?;
        Ok(Type::Function(params, Box::new(ret)))
    }

    /// `number`, `date and time`, `ns.T`, `Any`, `Null`.
    fn named_type(&mut self) -> Result<Type> {
        let first = self.expect_name("a type")?;
        let mut end = first.end;
        let words = MULTI_WORD_TYPES
            .iter()
            .find(|(head, _)| first.kind == Kind::Name && self.slice(first) == *head)
            .map(|(_, rest)| *rest)
            .filter(|rest| {
                rest.iter()
                    .enumerate()
                    .all(|(i, w)| self.is_word(self.nth(i), w))
            });
        if let Some(rest) = words {
            for _ in 0..rest.len() {
                end = self.bump().end;
            }
        } else {
            // a qualified name: `a.b.c`, written without spaces
            while self.is_punct(self.peek(), ".")
                && self.peek().start == end
                && matches!(self.nth(1).kind, Kind::Name | Kind::Backtick)
                && self.nth(1).start == self.peek().end
            {
                self.bump();
                end = self.bump().end;
            }
        }
        let text = self.source_text(first.start, end);
        if text.is_empty() {
            return Err(syntax_error("empty type name", Span::new(first.start, end)));
        }
        Ok(match text.as_str() {
            "Any" => Type::Any,
            "Null" => Type::Null,
            _ => Type::Named(text.into()),
        })
    }
}
