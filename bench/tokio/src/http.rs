//! Le serveur « Hello, World! » keep-alive de bench_http, écrit avec tokio::net : mêmes octets
//! de réponse, même découpage des requêtes (une réponse par tête terminée par « \r\n\r\n »),
//! même fin de connexion (fin de flux, ou plus de 8 Kio sans tête complète), TCP_NODELAY.
//!
//! `tokio_bench http <workers>` : écoute sur 127.0.0.1 (port libre), imprime « PORT n », puis
//! sert jusqu'à ce qu'on le tue. La boucle d'acceptation tourne dans `block_on` (comme
//! `#[tokio::main]`), chaque connexion est une tâche lancée par `tokio::spawn`.

use std::io::Write;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const REPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";

fn fin_de_tete(recu: &[u8]) -> Option<usize> {
    recu.windows(4).position(|f| f == b"\r\n\r\n")
}

async fn connexion(mut socket: TcpStream) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let mut recu: Vec<u8> = Vec::new();
    let mut morceau = [0u8; 1024];
    loop {
        let fin = loop {
            if let Some(p) = fin_de_tete(&recu) {
                break p;
            }
            let n = socket.read(&mut morceau).await?;
            if n == 0 || recu.len() > 8192 {
                return Ok(());
            }
            recu.extend_from_slice(&morceau[..n]);
        };
        recu.drain(..fin + 4);
        socket.write_all(REPONSE).await?;
    }
}

pub fn serveur(workers: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("création du runtime tokio multi_thread");
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("local_addr").port();
        let mut sortie = std::io::stdout();
        writeln!(sortie, "PORT {port}").expect("stdout");
        sortie.flush().expect("stdout");
        loop {
            // Une erreur d'accept (EMFILE...) ne termine pas le serveur.
            if let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let _ = connexion(socket).await;
                });
            }
        }
    });
}
