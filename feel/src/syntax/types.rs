//! Types, as written after `instance of`, in function parameters and in `parse_type`.

use crate::dialect::Dialect;

use super::ast::Type;
use super::grammar::{parse, span_of, Pair, Rule};
use super::parser::{next, Builder, Result};

impl Builder<'_> {
    /// A `list_type`, `range_type`, `context_type`, `function_type` or `named_type` pair.
    pub(super) fn feel_type(&self, p: Pair<'_>) -> Result<Type> {
        let at = p.as_span().start();
        let rule = p.as_rule();
        if rule == Rule::named_type {
            let s = span_of(&p);
            let text = self.collapsed(s.start, s.end);
            return Ok(match text.as_str() {
                "Any" => Type::Any,
                "Null" => Type::Null,
                _ => Type::Named(text.into()),
            });
        }
        // the type pairs inside, without the closing `>`
        let mut inner = p.into_inner().filter(|q| q.as_rule() != Rule::type_close);
        Ok(match rule {
            Rule::list_type => Type::List(Box::new(self.feel_type(next(&mut inner, at)?)?)),
            Rule::range_type => Type::Range(Box::new(self.feel_type(next(&mut inner, at)?)?)),
            Rule::context_type => {
                let mut fields = Vec::new();
                while let Some(name) = inner.next() {
                    let ty = self.feel_type(next(&mut inner, at)?)?;
                    fields.push((self.name_text(&name), ty));
                }
                Type::Context(fields)
            }
            _ => {
                let mut types = inner
                    .map(|q| self.feel_type(q))
                    .collect::<Result<Vec<_>>>()?;
                let ret = types.pop().unwrap_or(Type::Any);
                Type::Function(types, Box::new(ret))
            }
        })
    }
}

/// Parse a type.
pub(crate) fn parse_type(text: &str) -> Result<Type> {
    let run = || {
        let mut pairs = parse(Rule::type_root, text)?;
        let builder = Builder {
            source: text,
            dialect: Dialect::Dmn,
        };
        builder.feel_type(next(&mut pairs, 0)?)
    };
    run().map_err(|e| e.with_source(text))
}
