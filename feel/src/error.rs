//! The crate's error and warning types.

use std::fmt;

/// A byte range in the expression text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// What went wrong, for a hard [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not valid FEEL.
    Syntax,
    /// A limit (nesting depth, evaluation steps, sizes) was exceeded.
    LimitExceeded,
    /// `assert` failed, or `?` used outside unary tests.
    Evaluation,
    /// Invalid input data given to the engine (not FEEL text).
    InvalidInput,
}

impl ErrorKind {
    /// Short description.
    pub fn description(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax error",
            ErrorKind::LimitExceeded => "limit exceeded",
            ErrorKind::Evaluation => "evaluation failed",
            ErrorKind::InvalidInput => "invalid input",
        }
    }
}

/// A hard error: compiling failed, or an evaluation could not finish.
///
/// `Display` gives one line; [`Error::report`] renders the offending line with a caret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    repr: Box<Repr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Repr {
    kind: ErrorKind,
    message: String,
    span: Option<Span>,
    source_text: Option<String>,
}

impl Error {
    /// A new error.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            repr: Box::new(Repr {
                kind,
                message: message.into(),
                span: None,
                source_text: None,
            }),
        }
    }

    /// Attach a span.
    pub fn with_span(mut self, span: Span) -> Self {
        self.repr.span = Some(span);
        self
    }

    /// Change the kind.
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.repr.kind = kind;
        self
    }

    /// Attach the expression text the span refers to (used by [`Error::report`]).
    pub fn with_source(mut self, text: &str) -> Self {
        self.repr.source_text = Some(text.to_string());
        self
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    /// The message, without position.
    pub fn message(&self) -> &str {
        &self.repr.message
    }

    /// The span, if known.
    pub fn span(&self) -> Option<Span> {
        self.repr.span
    }

    /// A multi-line report: the message, then the source line with a caret under the
    /// offending position.
    pub fn report(&self) -> String {
        let mut out = self.to_string();
        if let (Some(span), Some(src)) = (self.repr.span, &self.repr.source_text) {
            out.push('\n');
            out.push_str(&render_caret(src, span));
        }
        out
    }
}

/// Render the line holding `span` with `^^^` under it.
pub fn render_caret(src: &str, span: Span) -> String {
    let start = span.start.min(src.len());
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    let line_no = src[..line_start].matches('\n').count() + 1;
    let line = &src[line_start..line_end];
    let col = src[line_start..start].chars().count();
    let width = src[start..span.end.clamp(start, line_end)]
        .chars()
        .count()
        .max(1);
    let prefix = format!("{line_no} | ");
    format!(
        "{prefix}{line}\n{}{}{}",
        " ".repeat(prefix.len()),
        " ".repeat(col),
        "^".repeat(width)
    )
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.repr.kind.description(), self.repr.message)?;
        if let Some(span) = self.repr.span {
            if let Some(src) = &self.repr.source_text {
                let start = span.start.min(src.len());
                let line = src[..start].matches('\n').count() + 1;
                let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
                let col = src[line_start..start].chars().count() + 1;
                write!(f, " (at line {line}, column {col})")?;
            } else {
                write!(f, " (at offset {})", span.start)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The kind of a [`Warning`], after Camunda's failure types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A variable that is not in scope.
    NoVariableFound,
    /// A context key that does not exist.
    NoContextEntryFound,
    /// A property a value does not have.
    NoPropertyFound,
    /// Values that cannot be compared.
    NotComparable,
    /// An operand or argument of the wrong type.
    InvalidType,
    /// An unknown function, or no signature matching the arguments.
    NoFunctionFound,
    /// A function that failed on its arguments.
    FunctionInvocationFailure,
    /// An arithmetic overflow or division by zero.
    Arithmetic,
    /// Anything else.
    Other,
}

impl WarningKind {
    /// Camunda's name for the failure type.
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::NoVariableFound => "NO_VARIABLE_FOUND",
            WarningKind::NoContextEntryFound => "NO_CONTEXT_ENTRY_FOUND",
            WarningKind::NoPropertyFound => "NO_PROPERTY_FOUND",
            WarningKind::NotComparable => "NOT_COMPARABLE",
            WarningKind::InvalidType => "INVALID_TYPE",
            WarningKind::NoFunctionFound => "NO_FUNCTION_FOUND",
            WarningKind::FunctionInvocationFailure => "FUNCTION_INVOCATION_FAILURE",
            WarningKind::Arithmetic => "ARITHMETIC",
            WarningKind::Other => "UNKNOWN",
        }
    }
}

/// A suppressed failure: the evaluation went on with `null` in place of a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What kind of problem.
    pub kind: WarningKind,
    /// Human readable message.
    pub message: String,
    /// Where in the expression, if known.
    pub span: Option<Span>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.kind.name(), self.message)?;
        if let Some(s) = self.span {
            write!(f, " (at offset {})", s.start)?;
        }
        Ok(())
    }
}
