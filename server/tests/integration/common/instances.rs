//! The real `salesdesk` binary as child processes (killed with SIGKILL when dropped, so a
//! failing test leaves nothing behind), and a small loopback proxy in front of several of
//! them, as a company's load balancer would be.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// Every line the instance logged so far.
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `salesdesk` with only these settings (and PATH) and waits until it listens.
    /// `name` prefixes its log lines in the test's output.
    pub fn start(name: &str, env: &[(&str, String)]) -> Server {
        let addr = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_salesdesk"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SALESDESK_ADDR", addr.to_string())
            .env("RUST_LOG", "warn");
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("salesdesk starts");
        // Forward the child's log so a failure here is diagnosable, and keep it for assertions.
        let log = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().map(|o| Box::new(o) as Box<dyn std::io::Read + Send>);
        let err = child.stderr.take().map(|e| Box::new(e) as Box<dyn std::io::Read + Send>);
        for stream in [out, err].into_iter().flatten() {
            let (name, log) = (name.to_string(), log.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    eprintln!("[{name}] {line}");
                    log.lock().unwrap_or_else(|p| p.into_inner()).push(line);
                }
            });
        }
        let server = Server { child, addr, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if std::net::TcpStream::connect(addr).is_ok() {
                return server;
            }
            assert!(Instant::now() < deadline, "salesdesk did not start listening on {addr}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The lines logged so far that contain `needle`.
    pub fn logged(&self, needle: &str) -> Vec<String> {
        let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        log.iter().filter(|l| l.contains(needle)).cloned().collect()
    }

    /// `kill -9`: no graceful shutdown, no chance to flush anything.
    pub fn kill_hard(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

pub fn free_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr")
}

/// A TCP proxy on loopback that hands each connection to the next backend in turn, skipping
/// backends that refuse connections (a dead instance), as a load balancer does.
pub struct Proxy {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    pub async fn start(backends: Vec<SocketAddr>) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let next = Arc::new(AtomicUsize::new(0));
        let backends = Arc::new(backends);
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let backends = backends.clone();
                let first = next.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(async move {
                    for i in 0..backends.len() {
                        let backend = backends[(first + i) % backends.len()];
                        if let Ok(mut upstream) = tokio::net::TcpStream::connect(backend).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                            return;
                        }
                    }
                });
            }
        });
        Proxy { addr, task }
    }
}
