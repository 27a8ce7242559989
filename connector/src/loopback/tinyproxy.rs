//! A real HTTP proxy for tests and demos: a `tinyproxy` process (Debian package `tinyproxy`)
//! on a free 127.0.0.1 port with a generated configuration, optionally requiring Basic
//! authentication. The process is killed when the handle is dropped.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why tinyproxy could not be started.
#[derive(Debug, thiserror::Error)]
pub enum TinyproxyError {
    /// No `tinyproxy` executable on `PATH`, `/usr/bin` or `/usr/sbin`.
    #[error("tinyproxy is not installed (Debian: apt-get install -y tinyproxy)")]
    NotInstalled,
    /// It did not start or did not listen.
    #[error("tinyproxy did not start: {0}")]
    Failed(String),
}

/// A running tinyproxy.
#[derive(Debug)]
pub struct Tinyproxy {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

/// The tinyproxy executable, if installed.
pub fn executable() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("tinyproxy"))
                .collect()
        })
        .unwrap_or_default();
    candidates.push(PathBuf::from("/usr/bin/tinyproxy"));
    candidates.push(PathBuf::from("/usr/sbin/tinyproxy"));
    candidates.into_iter().find(|p| p.is_file())
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Tinyproxy {
    /// Start a proxy; with `credentials`, clients must send `Proxy-Authorization: Basic`.
    pub fn start(credentials: Option<(&str, &str)>) -> Result<Tinyproxy, TinyproxyError> {
        let exe = executable().ok_or(TinyproxyError::NotInstalled)?;
        let fail = |e: std::io::Error| TinyproxyError::Failed(e.to_string());
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "connector-tinyproxy-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(fail)?;
        let mut last = String::new();
        // The free port may be taken between probing and binding: try a few.
        for _ in 0..5 {
            let port = free_port().map_err(fail)?;
            let mut conf = format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 64\nLogFile \"{log}\"\nLogLevel Info\nPidFile \"{pid}\"\nAllow 127.0.0.1\nViaProxyName \"tinyproxy\"\n",
                log = dir.join("tinyproxy.log").display(),
                pid = dir.join("tinyproxy.pid").display(),
            );
            if let Some((user, password)) = credentials {
                conf.push_str(&format!("BasicAuth {user} {password}\n"));
            }
            let conf_path = dir.join("tinyproxy.conf");
            std::fs::write(&conf_path, conf).map_err(fail)?;
            let mut child = Command::new(&exe)
                .arg("-d")
                .arg("-c")
                .arg(&conf_path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(fail)?;
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    last = format!("exited with {status}");
                    break;
                }
                if TcpStream::connect(addr).is_ok() {
                    return Ok(Tinyproxy { child, addr, dir });
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    last = "did not listen within 5 s".into();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Err(TinyproxyError::Failed(last))
    }

    /// The proxy's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The proxy's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The log file.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("tinyproxy.log")
    }

    /// The log so far (empty if unreadable).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// The request lines the proxy received (`GET http://… HTTP/1.1`, `CONNECT host:port …`).
    pub fn requests(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter_map(|l| l.split_once("): ").map(|(_, r)| r.to_string()))
            .filter(|r| {
                r.starts_with("GET ")
                    || r.starts_with("POST ")
                    || r.starts_with("CONNECT ")
                    || r.starts_with("PUT ")
                    || r.starts_with("DELETE ")
                    || r.starts_with("PATCH ")
            })
            .collect()
    }

    /// The working directory (configuration, log, pid file).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
