//! The runtime: built once with its secret provider, document store and client options;
//! compiles templates once (cached) and executes them many times, blocking or async.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use feel::{Context, Engine, Value};
use serde_json::Value as Json;

use crate::auth::{self, TokenCache};
use crate::document::{DocumentStore, NoDocumentStore};
use crate::error::{ConnectorError, TemplateError};
use crate::inputs::{self, CompiledInput};
use crate::intrinsic;
use crate::outcome::{
    parse_duration, register_functions, Execution, FeelWarning, Outcome, OutputMapping,
};
use crate::secrets::{self, ChainSecretProvider, EnvSecretProvider, Redactor, SecretProvider};
use crate::template::{did_you_mean, Template, CONNECTOR_INPUTS, HTTP_JSON_TYPE};
use crate::transport::{ClientOptions, IsahcTransport, Transport, TransportError};
use crate::{request, response};

struct Inner {
    engine: Engine,
    secrets: Arc<dyn SecretProvider>,
    documents: Arc<dyn DocumentStore>,
    transport: Arc<dyn Transport>,
    options: ClientOptions,
    tokens: TokenCache,
    compiled: Mutex<HashMap<Template, Arc<Compiled>>>,
    compilations: AtomicU64,
}

/// Builds a [`Runtime`].
pub struct RuntimeBuilder {
    secrets: Arc<dyn SecretProvider>,
    documents: Arc<dyn DocumentStore>,
    options: ClientOptions,
    transport: Option<Arc<dyn Transport>>,
    token_cache: TokenCache,
    dialect: feel::Dialect,
    engine: Option<Engine>,
    functions: Vec<Function>,
}

/// A FEEL function the builder registers: name, parameter names, body.
type Function = (String, Vec<String>, feel::NativeFn);

impl RuntimeBuilder {
    /// The secret provider (default: environment variables with prefix `SECRET_`, or the
    /// prefix in `CAMUNDA_CONNECTOR_SECRETPROVIDER_ENVIRONMENT_PREFIX`).
    pub fn secrets(mut self, provider: impl SecretProvider + 'static) -> Self {
        self.secrets = Arc::new(provider);
        self
    }

    /// The document store (default: none; see [`crate::InMemoryDocumentStore`] and
    /// [`crate::FileSystemDocumentStore`]).
    pub fn documents(mut self, store: impl DocumentStore + 'static) -> Self {
        self.documents = Arc::new(store);
        self
    }

    /// HTTP client options (default: [`ClientOptions::default`], blocklist from the environment).
    pub fn client_options(mut self, options: ClientOptions) -> Self {
        self.options = options;
        self
    }

    /// Use another transport instead of isahc.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The OAuth token cache (default: 10 s skew).
    pub fn token_cache(mut self, cache: TokenCache) -> Self {
        self.token_cache = cache;
        self
    }

    /// The FEEL dialect templates are evaluated in (default: [`feel::Dialect::Camunda`], so
    /// expressions give what they give in Camunda 8; [`feel::Dialect::Dmn`] for the DMN 1.5
    /// specification).
    pub fn dialect(mut self, dialect: feel::Dialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// The FEEL engine templates compile with, instead of one built in the
    /// [`dialect`](Self::dialect): its dialect, limits, clock and registered functions apply.
    /// The connector's own functions (`bpmnError`, `jobError`, `ignoreError`, `backoff`) are
    /// registered on it, replacing functions of the same name and parameters.
    ///
    /// ```
    /// let engine = feel::Engine::builder().dialect(feel::Dialect::Dmn).build();
    /// let runtime = connector::Runtime::builder().engine(engine).build()?;
    /// assert_eq!(runtime.engine().dialect(), feel::Dialect::Dmn);
    /// # Ok::<(), connector::transport::TransportError>(())
    /// ```
    pub fn engine(mut self, engine: Engine) -> Self {
        self.engine = Some(engine);
        self
    }

    /// Register a custom FEEL function for every template's expressions (input mappings,
    /// result and error expressions), as [`Engine::register`] does; register a name once per
    /// parameter list to overload it.
    ///
    /// ```
    /// use feel::Value;
    /// let runtime = connector::Runtime::builder()
    ///     .function("double", &["x"], |_, args| {
    ///         args[0].as_number().map_or(Value::Null, |n| Value::from(n * feel::Decimal::TWO))
    ///     })
    ///     .build()?;
    /// let out = runtime.engine().evaluate("double(21)", &feel::Context::new())?;
    /// assert_eq!(out.value, Value::from(42));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn function(
        mut self,
        name: &str,
        params: &[&str],
        f: impl Fn(&mut feel::State<'_>, &[Value]) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.functions.push((
            name.to_string(),
            params.iter().map(|p| (*p).to_string()).collect(),
            Arc::new(f),
        ));
        self
    }

    /// Build the runtime.
    pub fn build(self) -> Result<Runtime, TransportError> {
        let transport = match self.transport {
            Some(t) => t,
            None => Arc::new(IsahcTransport::new(&self.options)?),
        };
        let mut engine = self
            .engine
            .unwrap_or_else(|| Engine::builder().dialect(self.dialect).build());
        for (name, params, f) in self.functions {
            let params: Vec<&str> = params.iter().map(String::as_str).collect();
            engine.register(&name, &params, move |state, args| f(state, args));
        }
        register_functions(&mut engine);
        Ok(Runtime {
            inner: Arc::new(Inner {
                engine,
                secrets: self.secrets,
                documents: self.documents,
                transport,
                options: self.options,
                tokens: self.token_cache,
                compiled: Mutex::new(HashMap::new()),
                compilations: AtomicU64::new(0),
            }),
        })
    }
}

/// The connector runtime. Cheap to clone; share it.
///
/// ```no_run
/// use connector::{Runtime, Template, MapSecretProvider};
/// let runtime = Runtime::builder().secrets(MapSecretProvider::new([("TOKEN", "t")])).build().unwrap();
/// let template = Template::from_json_str(r#"{"inputs": {"method": "GET", "url": "http://127.0.0.1:8080/"}}"#).unwrap();
/// let task = runtime.compile(&template).unwrap();
/// let outcome = task.execute(&serde_json::json!({}));
/// println!("{}", outcome.to_json());
/// ```
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

/// A template with every FEEL field compiled.
#[derive(Debug)]
struct Compiled {
    inputs: Vec<CompiledInput>,
    /// The names the inputs' FEEL expressions mention, sorted: only these process variables
    /// are converted to FEEL for an execution.
    variables: Vec<Arc<str>>,
    output: OutputMapping,
    retries: u32,
    /// What looks wrong in the template without stopping it (see
    /// [`CompiledTemplate::template_warnings`]).
    warnings: Vec<String>,
    /// `=…` retries, evaluated over the process variables.
    retries_expression: Option<feel::Expression>,
}

/// A compiled template bound to its runtime; execute it as often as needed.
#[derive(Clone)]
pub struct CompiledTemplate {
    runtime: Arc<Inner>,
    compiled: Arc<Compiled>,
}

impl std::fmt::Debug for CompiledTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledTemplate")
            .field("compiled", &self.compiled)
            .finish()
    }
}

fn header_expression(
    engine: &Engine,
    template: &Template,
    key: &str,
) -> Result<Option<feel::Expression>, TemplateError> {
    match template.header(key).map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => {
            let text = text.strip_prefix('=').unwrap_or(text).trim();
            engine
                .compile(text)
                .map(Some)
                .map_err(|e| TemplateError::field(format!("taskHeaders.{key}"), e))
        }
    }
}

impl Runtime {
    /// A builder with the default providers.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder {
            secrets: Arc::new(EnvSecretProvider::from_env()),
            documents: Arc::new(NoDocumentStore),
            options: ClientOptions::default(),
            transport: None,
            token_cache: TokenCache::default(),
            dialect: feel::Dialect::Camunda,
            engine: None,
            functions: Vec::new(),
        }
    }

    /// The FEEL engine (with `bpmnError`, `jobError`, `ignoreError` and `backoff`).
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// How many templates this runtime has compiled (cache misses of [`Runtime::compile`]).
    pub fn compilations(&self) -> u64 {
        self.inner.compilations.load(Ordering::Relaxed)
    }

    /// Compile a template once: every FEEL input and header. Results are cached per template.
    pub fn compile(&self, template: &Template) -> Result<CompiledTemplate, TemplateError> {
        if let Some(hit) = self
            .inner
            .compiled
            .lock()
            .ok()
            .and_then(|c| c.get(template).cloned())
        {
            return Ok(CompiledTemplate {
                runtime: self.inner.clone(),
                compiled: hit,
            });
        }
        if template.job_type != HTTP_JSON_TYPE {
            return Err(TemplateError::field(
                "type",
                format!(
                    "unsupported job type '{}', expected '{HTTP_JSON_TYPE}'",
                    template.job_type
                ),
            ));
        }
        self.inner.compilations.fetch_add(1, Ordering::Relaxed);
        let engine = &self.inner.engine;
        let retry_backoff = match template.header("retryBackoff").map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => parse_duration(text)
                .map(Some)
                .ok_or_else(|| text.to_string()),
        };
        let inputs = inputs::compile(engine, &template.inputs)?;
        let variables = inputs::variable_names(&inputs);
        let warnings = unread_inputs(template, &variables);
        let compiled = Arc::new(Compiled {
            inputs,
            variables,
            output: OutputMapping {
                result_variable: template
                    .header("resultVariable")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                result_expression: header_expression(engine, template, "resultExpression")?,
                error_expression: header_expression(engine, template, "errorExpression")?,
                retry_backoff,
            },
            retries: template.retries,
            warnings,
            retries_expression: template
                .retries_expression
                .as_deref()
                .map(|text| engine.compile(text))
                .transpose()
                .map_err(|e| TemplateError::field("retries", e))?,
        });
        if let Ok(mut cache) = self.inner.compiled.lock() {
            if cache.len() >= 1024 {
                cache.clear();
            }
            cache.insert(template.clone(), compiled.clone());
        }
        Ok(CompiledTemplate {
            runtime: self.inner.clone(),
            compiled,
        })
    }
}

/// A warning for every input whose target the REST connector does not read and no other
/// input's expression mentions: a misspelt target (`queryParams`) is otherwise dropped
/// without a word.
fn unread_inputs(template: &Template, mentioned: &[Arc<str>]) -> Vec<String> {
    let mut warnings: Vec<String> = Vec::new();
    for input in &template.inputs {
        let top = input.target.split('.').next().unwrap_or_default();
        if CONNECTOR_INPUTS.contains(&top) || mentioned.binary_search_by(|m| (**m).cmp(top)).is_ok()
        {
            continue;
        }
        let hint = match did_you_mean(top, &CONNECTOR_INPUTS) {
            Some(c) => format!("; did you mean '{c}'?"),
            None => String::new(),
        };
        let warning = format!(
            "input target '{}': the REST connector does not read '{top}' and no other input uses it{hint}",
            input.target
        );
        if !warnings.contains(&warning) {
            warnings.push(warning);
        }
    }
    warnings
}

/// The task headers the REST connector reads from a job's `customHeaders`.
const TASK_HEADERS: [&str; 4] = [
    "resultVariable",
    "resultExpression",
    "errorExpression",
    "retryBackoff",
];

impl Runtime {
    /// Compile the output mapping of a job from its `customHeaders` (`resultVariable`,
    /// `resultExpression`, `errorExpression`, `retryBackoff`; other headers are ignored), for
    /// [`CompiledTemplate::execute_inputs_async`]. Cached like [`Runtime::compile`]: jobs of one
    /// task share one compilation.
    pub fn compile_headers(
        &self,
        headers: &serde_json::Map<String, Json>,
    ) -> Result<CompiledTemplate, TemplateError> {
        let mut task_headers = Vec::with_capacity(TASK_HEADERS.len());
        for key in TASK_HEADERS {
            match headers.get(key) {
                None | Some(Json::Null) => {}
                Some(Json::String(text)) => task_headers.push((key.to_string(), text.clone())),
                Some(other) => task_headers.push((key.to_string(), other.to_string())),
            }
        }
        self.compile(&Template {
            job_type: HTTP_JSON_TYPE.to_string(),
            inputs: Vec::new(),
            task_headers,
            retries: 3,
            retries_expression: None,
        })
    }
}

impl CompiledTemplate {
    /// What looks wrong in the template without stopping it: inputs whose target the REST
    /// connector does not read and no other input uses (`queryParams` for
    /// `queryParameters`), with the closest target it reads.
    ///
    /// ```
    /// let template = connector::Template::from_json_str(r#"{"inputs": {"method": "GET",
    ///     "url": "http://127.0.0.1:1/", "queryParams": "={q: 1}"}}"#)?;
    /// let task = connector::Runtime::builder().build()?.compile(&template)?;
    /// assert_eq!(task.template_warnings(), [
    ///     "input target 'queryParams': the REST connector does not read 'queryParams' and no \
    ///      other input uses it; did you mean 'queryParameters'?",
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn template_warnings(&self) -> &[String] {
        &self.compiled.warnings
    }

    /// Whether both handles share one compilation (the cache returned the same one).
    pub fn same_compilation(&self, other: &CompiledTemplate) -> bool {
        Arc::ptr_eq(&self.compiled, &other.compiled)
    }

    /// Execute with the process variables (a JSON object), blocking the thread.
    pub fn execute(&self, variables: &Json) -> Outcome {
        futures_lite::future::block_on(self.execute_async(variables))
    }

    /// Execute, blocking, and also return the FEEL warnings of the task's expressions: why an
    /// input, the result or the error expression gave `null` (a missing variable, a misspelt
    /// path). They are not sent anywhere; show or log them.
    ///
    /// ```
    /// let template = connector::Template::from_json_str(r#"{"inputs": {"method": "GET",
    ///     "url": "=baseUrl + \"/users\""}}"#)?;
    /// let runtime = connector::Runtime::builder().build()?;
    /// let run = runtime.compile(&template)?.execute_with_warnings(&serde_json::json!({}));
    /// assert!(!run.outcome.is_complete()); // the URL is null: "url: must not be blank"
    /// assert_eq!(run.warnings[0].field, "input url"); // and this says why
    /// assert!(run.warnings[0].warning.message.contains("baseUrl"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn execute_with_warnings(&self, variables: &Json) -> Execution {
        futures_lite::future::block_on(self.execute_with_warnings_async(
            variables,
            self.retries(variables),
            self.runtime.secrets.as_ref(),
        ))
    }

    /// [`execute_with_warnings`](Self::execute_with_warnings) for a job with `job_retries`
    /// retries left and a secret provider, asynchronously.
    pub async fn execute_with_warnings_async(
        &self,
        variables: &Json,
        job_retries: u32,
        secrets: &dyn SecretProvider,
    ) -> Execution {
        let mut redactor = Redactor::default();
        let mut warnings = Vec::new();
        let result = match self.evaluate_inputs(variables, &mut warnings) {
            Ok(inputs) => self.send(inputs, secrets, &mut redactor).await,
            Err(e) => Err(e),
        };
        let outcome = self.finish(result, job_retries, &redactor, &mut warnings);
        redact_warnings(&mut warnings, &redactor);
        Execution { outcome, warnings }
    }

    /// Execute asynchronously.
    pub async fn execute_async(&self, variables: &Json) -> Outcome {
        self.execute_job_async(variables, self.retries(variables))
            .await
    }

    /// The job's retries on a first attempt: the template's `retries`, or its expression
    /// evaluated over the process variables when it gives a whole number.
    fn retries(&self, variables: &Json) -> u32 {
        let Some(expr) = &self.compiled.retries_expression else {
            return self.compiled.retries;
        };
        let ctx = Context::from_json(variables).unwrap_or_default();
        expr.evaluate(&ctx)
            .ok()
            .and_then(|e| e.value.to_json().as_u64())
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(self.compiled.retries)
    }

    /// Execute a job that has `job_retries` retries left (the template's `retries` on a first
    /// attempt), blocking.
    pub fn execute_job(&self, variables: &Json, job_retries: u32) -> Outcome {
        futures_lite::future::block_on(self.execute_job_async(variables, job_retries))
    }

    /// Execute a job that has `job_retries` retries left, asynchronously.
    pub async fn execute_job_async(&self, variables: &Json, job_retries: u32) -> Outcome {
        self.execute_with_secrets_async(variables, job_retries, self.runtime.secrets.as_ref())
            .await
    }

    /// Execute with another secret provider than the runtime's (a tenant's secrets, say),
    /// blocking; the template's `retries` are the job's.
    ///
    /// ```no_run
    /// # fn demo(task: &connector::CompiledTemplate) {
    /// let tenant = connector::MapSecretProvider::new([("API_TOKEN", "tenant-a")]);
    /// let outcome = task.execute_with_secrets(&serde_json::json!({"userId": 7}), &tenant);
    /// # }
    /// ```
    pub fn execute_with_secrets(&self, variables: &Json, secrets: &dyn SecretProvider) -> Outcome {
        futures_lite::future::block_on(self.execute_with_secrets_async(
            variables,
            self.retries(variables),
            secrets,
        ))
    }

    /// Execute a job that has `job_retries` retries left with another secret provider than
    /// the runtime's, asynchronously.
    pub async fn execute_with_secrets_async(
        &self,
        variables: &Json,
        job_retries: u32,
        secrets: &dyn SecretProvider,
    ) -> Outcome {
        self.execute_with_warnings_async(variables, job_retries, secrets)
            .await
            .outcome
    }

    /// Execute a job whose inputs are already evaluated: a Zeebe job's variables, to which
    /// the cluster applied the task's input mappings before the job was created. The
    /// template's own input mappings are not evaluated; secrets are substituted, the request
    /// is sent and the task headers map the result. `job_retries` is the job's `retries`.
    /// The inputs are taken by value: secrets are substituted in place, with no copy.
    ///
    /// ```no_run
    /// # async fn demo(runtime: &connector::Runtime) {
    /// let headers = serde_json::json!({"resultVariable": "user"});
    /// let task = runtime.compile_headers(headers.as_object().unwrap()).unwrap();
    /// let inputs = serde_json::json!({"method": "GET", "url": "http://127.0.0.1:8080/users/1"});
    /// let outcome = task.execute_inputs_async(inputs, 3).await;
    /// # }
    /// ```
    pub async fn execute_inputs_async(&self, inputs: Json, job_retries: u32) -> Outcome {
        self.execute_inputs_with_warnings_async(inputs, job_retries)
            .await
            .outcome
    }

    /// [`execute_inputs_async`](Self::execute_inputs_async), also returning the FEEL warnings
    /// of the result and error expressions (the job worker logs their kinds).
    pub async fn execute_inputs_with_warnings_async(
        &self,
        inputs: Json,
        job_retries: u32,
    ) -> Execution {
        let mut redactor = Redactor::default();
        let result = match inputs {
            Json::Object(_) | Json::Null => {
                let secrets = self.runtime.secrets.as_ref();
                self.send(inputs, secrets, &mut redactor).await
            }
            _ => Err(ConnectorError::input(
                "The job variables must be a JSON object",
            )),
        };
        let mut warnings = Vec::new();
        let outcome = self.finish(result, job_retries, &redactor, &mut warnings);
        redact_warnings(&mut warnings, &redactor);
        Execution { outcome, warnings }
    }

    fn finish(
        &self,
        result: Result<Json, ConnectorError>,
        job_retries: u32,
        redactor: &Redactor,
        warnings: &mut Vec<FeelWarning>,
    ) -> Outcome {
        self.compiled
            .output
            .finish(result, job_retries, redactor, warnings)
            .redact(redactor)
    }

    /// The task's input mappings evaluated over the process variables, as JSON.
    fn evaluate_inputs(
        &self,
        variables: &Json,
        warnings: &mut Vec<FeelWarning>,
    ) -> Result<Json, ConnectorError> {
        let vars = match variables {
            Json::Null => Context::new(),
            // only the variables the inputs can read: a job's variables can be many and
            // large, and each one converted would be work thrown away
            Json::Object(all) => {
                // (the names include locals and built-ins: most are not variables)
                let mut vars = Context::new();
                for name in &self.compiled.variables {
                    if let Some(v) = all.get(&**name) {
                        vars.insert(name.clone(), Value::from_json(v));
                    }
                }
                vars
            }
            _ => {
                return Err(ConnectorError::input(
                    "The process variables must be a JSON object",
                ))
            }
        };
        let locals = inputs::evaluate(&self.compiled.inputs, &vars, warnings)?;
        Ok(Json::Object(locals.to_json_map()))
    }

    /// Substitute secrets in the evaluated inputs, send the request and read the response.
    async fn send(
        &self,
        mut json: Json,
        secrets: &dyn SecretProvider,
        redactor: &mut Redactor,
    ) -> Result<Json, ConnectorError> {
        let rt = &self.runtime;
        secrets::substitute_json_in_place(&mut json, secrets, redactor)?;
        let env = intrinsic::Env {
            documents: rt.documents.as_ref(),
            transport: rt.transport.as_ref(),
            options: &rt.options,
        };
        intrinsic::apply(&mut json, &env, redactor).await?;
        let input = request::parse(&json)?;
        let parts = request::check_url(&input.url, &rt.options)?;
        auth::redact_derived(&input.authentication, None, redactor);
        let auth = auth::resolve(
            &input.authentication,
            rt.transport.as_ref(),
            &rt.tokens,
            &rt.options,
            &input.client_tls,
        )
        .await?;
        auth::redact_derived(&input.authentication, Some(&auth), redactor);
        let wire = input.build(&parts, &auth, &rt.options, rt.documents.as_ref())?;
        let resp = rt
            .transport
            .send(wire)
            .await
            .map_err(|e| auth::transport_error(&e))?;
        if resp.status >= 400 {
            return Err(response::http_error(&resp));
        }
        response::result_with_format(resp, &input.response_format, rt.documents.as_ref())
    }
}

/// Mask secret values in warnings (a result expression's warning may quote the response).
fn redact_warnings(warnings: &mut [FeelWarning], redactor: &Redactor) {
    if redactor.is_empty() {
        return;
    }
    for w in warnings {
        w.warning.message = redactor.redact(&w.warning.message);
    }
}

fn default_runtime() -> Result<&'static Runtime, String> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| Runtime::builder().build().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

/// Compile (cached) and execute a template with the default providers: secrets from the
/// environment (`SECRET_` prefix), the isahc client, the blocklist from the environment.
/// [`evaluate_and_execute_with`] takes the secrets from a provider instead.
pub fn evaluate_and_execute(template: &Template, variables: &Json) -> Outcome {
    run_default(template, |task| task.execute(variables))
}

/// [`evaluate_and_execute`] with the secrets from `secrets` instead of the environment.
///
/// ```no_run
/// use connector::{evaluate_and_execute_with, MapSecretProvider, Template};
/// let template = Template::from_json_str(r#"{"inputs": {"method": "GET",
///     "url": "http://127.0.0.1:8080/", "authentication.type": "bearer",
///     "authentication.token": "{{secrets.TOKEN}}"}}"#)?;
/// let secrets = MapSecretProvider::new([("TOKEN", "t0ken")]);
/// let outcome = evaluate_and_execute_with(&template, &serde_json::json!({}), &secrets);
/// # Ok::<(), connector::TemplateError>(())
/// ```
pub fn evaluate_and_execute_with(
    template: &Template,
    variables: &Json,
    secrets: &dyn SecretProvider,
) -> Outcome {
    run_default(template, |task| {
        task.execute_with_secrets(variables, secrets)
    })
}

/// Compile `template` on the default runtime and run it, or the `Failed` outcome of a runtime
/// or template that cannot be built.
fn run_default(template: &Template, run: impl FnOnce(&CompiledTemplate) -> Outcome) -> Outcome {
    let failed = |message: String| Outcome::Failed {
        message,
        retries: 0,
        retry_backoff: None,
        variables: serde_json::Map::new(),
    };
    let runtime = match default_runtime() {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    match runtime.compile(template) {
        Ok(task) => run(&task),
        Err(e) => failed(e.message),
    }
}

/// A secret chain of a JSON file over the environment provider (what the CLI uses).
pub fn file_then_env_secrets(
    file: Option<crate::secrets::JsonFileSecretProvider>,
) -> ChainSecretProvider {
    let chain = ChainSecretProvider::new();
    let chain = match file {
        Some(f) => chain.with(f),
        None => chain,
    };
    chain.with(EnvSecretProvider::from_env())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn job_headers_compile_once_per_distinct_connector_headers() {
        let runtime = Runtime::builder().build().unwrap();
        let headers = |v: Json| v.as_object().cloned().unwrap_or_default();
        let a = runtime
            .compile_headers(&headers(serde_json::json!({"resultVariable": "r",
                "resultExpression": "={x: response.status}", "elementTemplateVersion": "11"})))
            .unwrap();
        let b = runtime
            .compile_headers(&headers(serde_json::json!({"resultVariable": "r",
                "resultExpression": "={x: response.status}", "elementTemplateId": "other"})))
            .unwrap();
        assert!(a.same_compilation(&b), "other headers do not matter");
        let c = runtime
            .compile_headers(&headers(serde_json::json!({"resultVariable": "s"})))
            .unwrap();
        assert!(!a.same_compilation(&c));
        assert_eq!(runtime.compilations(), 2);
        let bad = runtime.compile_headers(&headers(serde_json::json!({"resultExpression": "={"})));
        assert!(bad.unwrap_err().to_string().contains("resultExpression"));
    }

    #[test]
    fn runtime_templates_and_futures_can_cross_threads() {
        let runtime = Runtime::builder().build().unwrap();
        let template = Template::from_json_str(
            r#"{"inputs": {"method": "GET", "url": "http://127.0.0.1:9/"}}"#,
        )
        .unwrap();
        let task = runtime.compile(&template).unwrap();
        assert_send_sync(&runtime);
        assert_send_sync(&task);
        let vars = serde_json::json!({});
        let future = task.execute_async(&vars);
        assert_send(&future);
    }

    #[test]
    fn templates_evaluate_in_the_camunda_dialect_unless_told_otherwise() {
        let zero = |runtime: &Runtime| {
            let out = runtime
                .engine()
                .evaluate("string(duration(\"PT0S\"))", &Context::new())
                .unwrap();
            out.value
        };
        let camunda = Runtime::builder().build().unwrap();
        assert_eq!(camunda.engine().dialect(), feel::Dialect::Camunda);
        assert_eq!(zero(&camunda), Value::from("P0D"));
        let dmn = Runtime::builder()
            .dialect(feel::Dialect::Dmn)
            .build()
            .unwrap();
        assert_eq!(dmn.engine().dialect(), feel::Dialect::Dmn);
        assert_eq!(zero(&dmn), Value::from("PT0S"));
    }
}
