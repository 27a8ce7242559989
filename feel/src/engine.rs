//! The public API: [`Engine`], [`Expression`], [`UnaryTests`], [`Evaluation`].

use std::sync::Arc;

use crate::builtins::Registry;
use crate::dialect::Dialect;
use crate::error::{Error, Warning};
use crate::eval::{self, State};
use crate::syntax::{self, ast::Node, names::NameMatcher};
use crate::value::temporal;
use crate::value::{Context, DateTime, Value};

/// Names always recognised when tokenising: function names (and those the dialect lacks) and
/// multi-word properties.
fn known_names(registry: &Registry) -> impl Iterator<Item = &str> {
    registry
        .names()
        .map(|n| n.as_ref())
        .chain(registry.absent_names())
        .chain(syntax::MULTI_WORD_PROPERTIES.iter().copied())
}

/// A clock: returns the current date and time for `now()` and `today()`.
pub type Clock = Arc<dyn Fn() -> DateTime + Send + Sync>;

/// Resource limits, all configurable on the [`Engine`].
#[derive(Clone, Debug)]
pub struct Limits {
    /// Maximum nesting depth of an expression (parentheses, lists, calls, …).
    pub max_depth: usize,
    /// Maximum number of evaluation steps (nodes visited, loop iterations); `None` = no limit.
    pub max_steps: Option<u64>,
    /// Maximum number of items a range iteration or `for` may produce.
    pub max_items: usize,
    /// Maximum length in bytes of a string built by an operation.
    pub max_string_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_steps: Some(10_000_000),
            max_items: 1_000_000,
            max_string_len: 64 * 1024 * 1024,
        }
    }
}

pub(crate) struct EngineInner {
    pub(crate) registry: Registry,
    pub(crate) clock: Clock,
    pub(crate) limits: Limits,
    pub(crate) names: NameMatcher,
    pub(crate) dialect: Dialect,
}

impl Clone for EngineInner {
    fn clone(&self) -> Self {
        EngineInner {
            registry: self.registry.clone(),
            clock: self.clock.clone(),
            limits: self.limits.clone(),
            names: self.names.clone(),
            dialect: self.dialect,
        }
    }
}

/// The FEEL engine: function registry, clock and limits. Cheap to clone.
///
/// ```
/// let engine = feel::Engine::new();
/// let out = engine.evaluate("upper case(\"abc\")", &feel::Context::new()).unwrap();
/// assert_eq!(out.value, feel::Value::from("ABC"));
/// ```
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// An engine with every built-in function, in the DMN dialect.
    pub fn new() -> Self {
        Self::with_registry(Registry::standard(), Dialect::Dmn)
    }

    /// An engine with no functions at all, in the DMN dialect.
    pub fn empty() -> Self {
        Self::with_registry(Registry::default(), Dialect::Dmn)
    }

    /// A builder, to choose the dialect (and the clock and limits) before building.
    ///
    /// ```
    /// use feel::{Dialect, Engine};
    /// let engine = Engine::builder().dialect(Dialect::Camunda).build();
    /// assert_eq!(engine.dialect(), Dialect::Camunda);
    /// assert_eq!(Engine::new().dialect(), Dialect::Dmn);
    /// ```
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    fn with_registry(registry: Registry, dialect: Dialect) -> Self {
        let names = NameMatcher::new(known_names(&registry));
        Engine {
            inner: Arc::new(EngineInner {
                registry,
                clock: Arc::new(temporal::system_now),
                limits: Limits::default(),
                names,
                dialect,
            }),
        }
    }

    /// The dialect this engine compiles and evaluates in.
    pub fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    fn inner_mut(&mut self) -> &mut EngineInner {
        Arc::make_mut(&mut self.inner)
    }

    /// Register a function (one signature; call again with the same name to add another).
    /// Parameter names are used for named invocation; a last name ending in `...`
    /// collects the remaining arguments into a list.
    ///
    /// ```
    /// use feel::{Engine, Value};
    /// let mut engine = Engine::new();
    /// engine.register("double", &["x"], |_state, args| match &args[0] {
    ///     Value::Number(n) => Value::Number(*n * feel::Decimal::TWO),
    ///     _ => Value::Null,
    /// });
    /// let out = engine.evaluate("double(x: 21)", &feel::Context::new()).unwrap();
    /// assert_eq!(out.value, Value::from(42));
    /// ```
    pub fn register(
        &mut self,
        name: &str,
        params: &[&str],
        f: impl Fn(&mut State<'_>, &[Value]) -> Value + Send + Sync + 'static,
    ) {
        let inner = self.inner_mut();
        inner.registry.add(name, params, Arc::new(f));
        inner.names = NameMatcher::new(known_names(&inner.registry));
    }

    /// Set the clock `now()` and `today()` read.
    pub fn set_clock(&mut self, clock: impl Fn() -> DateTime + Send + Sync + 'static) {
        self.inner_mut().clock = Arc::new(clock);
    }

    /// Set the resource limits.
    pub fn set_limits(&mut self, limits: Limits) {
        self.inner_mut().limits = limits;
    }

    /// The current limits.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Compile an expression. Multi-word names are recognised when they are built-in
    /// function names or are declared in the expression itself; use
    /// [`Engine::compile_with_names`] for variables with spaces in their names.
    pub fn compile(&self, text: &str) -> Result<Expression, Error> {
        self.compile_with_names(text, &[])
    }

    /// Compile an expression, knowing the names of the variables it will see (needed for
    /// names such as `Monthly Salary` written without backticks).
    pub fn compile_with_names(&self, text: &str, names: &[&str]) -> Result<Expression, Error> {
        let root = syntax::parse_expression(text, &self.inner, names)?;
        let root = crate::eval::fold::fold(root, &self.inner);
        let quick = crate::eval::quick::build(&root, &self.inner).map(Arc::new);
        Ok(Expression {
            engine: self.inner.clone(),
            root: Arc::new(root),
            quick,
            source: Arc::from(text),
        })
    }

    /// Compile unary tests (a decision table input entry): `< 10`, `[1..5], 7`, `not("a")`, `-`.
    pub fn compile_unary_tests(&self, text: &str) -> Result<UnaryTests, Error> {
        self.compile_unary_tests_with_names(text, &[])
    }

    /// [`Engine::compile_unary_tests`] with known variable names.
    pub fn compile_unary_tests_with_names(
        &self,
        text: &str,
        names: &[&str],
    ) -> Result<UnaryTests, Error> {
        let tests = syntax::parse_unary_tests(text, &self.inner, names)?;
        let tests = crate::eval::fold::fold_tests(tests, &self.inner);
        Ok(UnaryTests {
            engine: self.inner.clone(),
            tests: Arc::new(tests),
            source: Arc::from(text),
        })
    }

    /// Parse a FEEL type (`number`, `list<string>`, `context<a: number>`, …).
    pub fn parse_type(&self, text: &str) -> Result<crate::syntax::ast::Type, Error> {
        syntax::parse_type(text)
    }

    /// Compile and evaluate in one go; the keys of `vars` are known names.
    pub fn evaluate(&self, text: &str, vars: &Context) -> Result<Evaluation, Error> {
        let names: Vec<&str> = vars.keys().map(|k| k.as_ref()).collect();
        self.compile_with_names(text, &names)?.evaluate(vars)
    }
}

/// Builds an [`Engine`]: its dialect, limits and clock.
#[derive(Default)]
pub struct EngineBuilder {
    dialect: Dialect,
    limits: Option<Limits>,
    clock: Option<Clock>,
}

impl EngineBuilder {
    /// The dialect (default: [`Dialect::Dmn`]).
    pub fn dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// The resource limits (default: [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// The clock `now()` and `today()` read (default: the system clock).
    pub fn clock(mut self, clock: impl Fn() -> DateTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The engine, with every built-in function of its dialect.
    pub fn build(self) -> Engine {
        let mut engine = Engine::with_registry(Registry::for_dialect(self.dialect), self.dialect);
        if let Some(limits) = self.limits {
            engine.set_limits(limits);
        }
        if let Some(clock) = self.clock {
            engine.inner_mut().clock = clock;
        }
        engine
    }
}

/// The result of an evaluation: the value and the suppressed failures.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The result.
    pub value: Value,
    /// Problems that were turned into `null`s along the way.
    pub warnings: Vec<Warning>,
}

/// A compiled expression: `Send + Sync`, never re-parsed.
#[derive(Clone)]
pub struct Expression {
    engine: Arc<EngineInner>,
    root: Arc<Node>,
    /// The quick tier's tree, when the expression has one (`eval::quick`).
    quick: Option<Arc<crate::eval::quick::Quick>>,
    source: Arc<str>,
}

impl std::fmt::Debug for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expression")
            .field("source", &self.source)
            .finish()
    }
}

impl Expression {
    /// Evaluate against variables.
    pub fn evaluate(&self, vars: &Context) -> Result<Evaluation, Error> {
        if let Some(quick) = &self.quick {
            if let Some(value) = quick.value(vars, &self.engine) {
                return Ok(Evaluation {
                    value,
                    warnings: Vec::new(),
                });
            }
        }
        self.evaluate_full(vars)
    }

    /// Evaluate with the full evaluator only, never the quick tier: the same value and
    /// warnings as [`Expression::evaluate`] (for tests comparing the two).
    #[doc(hidden)]
    pub fn evaluate_full(&self, vars: &Context) -> Result<Evaluation, Error> {
        eval::evaluate(&self.engine, &self.root, vars).map_err(|e| e.with_source(&self.source))
    }

    /// Whether the quick tier evaluates this expression when it can (for tests).
    #[doc(hidden)]
    pub fn has_quick_tier(&self) -> bool {
        self.quick.is_some()
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The names the expression may read from its variables, sorted: every name it mentions,
    /// so a superset of the variables it needs (local names and called built-ins included,
    /// as a variable can shadow a built-in). Variables not in this list can be left out of
    /// the context it is evaluated against.
    ///
    /// ```
    /// let e = feel::Engine::new().compile("upper case(user.name) + suffix").unwrap();
    /// assert_eq!(e.names(), ["suffix", "upper case", "user"]);
    /// ```
    pub fn names(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.root.for_each_name(&mut |n| names.push(n.to_string()));
        names.sort();
        names.dedup();
        names
    }
}

/// Compiled unary tests.
#[derive(Clone)]
pub struct UnaryTests {
    engine: Arc<EngineInner>,
    tests: Arc<Vec<syntax::ast::UnaryTest>>,
    source: Arc<str>,
}

impl UnaryTests {
    /// Test `input` against the tests; the result is `true`, `false` or `null`.
    /// `input` is also visible as `?` and as `cellInput`.
    pub fn evaluate(&self, input: &Value, vars: &Context) -> Result<Evaluation, Error> {
        eval::evaluate_unary_tests(&self.engine, &self.tests, input, vars)
            .map_err(|e| e.with_source(&self.source))
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }
}
