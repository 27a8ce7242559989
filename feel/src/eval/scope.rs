//! Variable scopes: a chain of frames over the evaluation's root variables.

use std::sync::Arc;

use crate::value::context::{key_eq, Hint};
use crate::value::{Context, Function, Value};

/// A scope: the root variables, or a frame over a parent scope.
pub(crate) enum Scope<'a> {
    /// The variables the evaluation was called with.
    Root(&'a Context),
    /// One local binding (`for`, `some`, `every`, `item`).
    One {
        parent: &'a Scope<'a>,
        name: &'a str,
        value: &'a Value,
    },
    /// The entries of a context (filter items, context literals under construction).
    Ctx {
        parent: &'a Scope<'a>,
        ctx: &'a Context,
    },
    /// Several bindings (function parameters, captured variables).
    Many {
        parent: &'a Scope<'a>,
        vars: &'a [(Arc<str>, Value)],
    },
}

impl<'a> Scope<'a> {
    /// Look a name up, innermost frame first.
    #[inline]
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Scope::Root(ctx) => ctx.get(name),
            _ => self.binding(name, false, None),
        }
    }

    /// Look a name up, innermost frame first; the root variables and context frames try
    /// the position in `hint` first.
    #[inline(always)]
    pub(crate) fn get_hinted(&self, name: &str, hint: &Hint) -> Option<&Value> {
        match self {
            Scope::Root(ctx) => ctx.get_hinted(name, hint),
            _ => self.binding(name, false, Some(hint)),
        }
    }

    /// The function a call of `name` would call instead of the built-in of that name: the
    /// innermost binding of `name`, when it holds a function. The root variables are only
    /// searched when they may hold a function at all.
    #[inline]
    pub(crate) fn function(&self, name: &str) -> Option<&Function> {
        let found = match self {
            Scope::Root(ctx) if !ctx.may_hold_functions() => None,
            _ => self.binding(name, true, None),
        };
        match found {
            Some(Value::Function(f)) => Some(f),
            _ => None,
        }
    }

    /// The innermost binding of `name`; the root variables are skipped when `functions_only`
    /// and they hold no function. Contexts try the position in `hint` first, if given.
    fn binding(&self, name: &str, functions_only: bool, hint: Option<&Hint>) -> Option<&Value> {
        let in_ctx = |ctx: &'a Context| match hint {
            Some(h) => ctx.get_hinted(name, h),
            None => ctx.get(name),
        };
        let mut s = self;
        loop {
            match s {
                Scope::Root(ctx) => {
                    return if functions_only && !ctx.may_hold_functions() {
                        None
                    } else {
                        in_ctx(ctx)
                    };
                }
                Scope::One {
                    parent,
                    name: n,
                    value,
                } => {
                    if key_eq(n, name) {
                        return Some(value);
                    }
                    s = parent;
                }
                Scope::Ctx { parent, ctx } => {
                    if let Some(v) = in_ctx(ctx) {
                        return Some(v);
                    }
                    s = parent;
                }
                Scope::Many { parent, vars } => {
                    if let Some((_, v)) = vars.iter().rev().find(|(k, _)| key_eq(k, name)) {
                        return Some(v);
                    }
                    s = parent;
                }
            }
        }
    }

    /// Every local binding (not the root), innermost last: what a closure captures.
    pub(crate) fn locals(&self) -> Vec<(Arc<str>, Value)> {
        let mut frames: Vec<&Scope<'_>> = Vec::new();
        let mut s = self;
        loop {
            match s {
                Scope::Root(_) => break,
                Scope::One { parent, .. }
                | Scope::Ctx { parent, .. }
                | Scope::Many { parent, .. } => {
                    frames.push(s);
                    s = parent;
                }
            }
        }
        let mut out = Vec::new();
        for f in frames.into_iter().rev() {
            match f {
                Scope::One { name, value, .. } => out.push((Arc::from(*name), (*value).clone())),
                Scope::Ctx { ctx, .. } => {
                    out.extend(ctx.iter().map(|(k, v)| (k.clone(), v.clone())))
                }
                Scope::Many { vars, .. } => out.extend(vars.iter().cloned()),
                Scope::Root(_) => {}
            }
        }
        out
    }
}
