//! Chapitre 07 — « Serveur de Chat Concurrent » : le programme de l'article, tel quel, défauts
//! compris (DESIGN.md §4, point 4 : l'expéditeur reçoit son propre message, les clients partis
//! ne sont jamais retirés, un canal broadcast par client, un `select!` à une seule branche,
//! `tx_clone` inutilisé — le compilateur le signale par un avertissement).
//! Traduction C++ : chapters/07-serveur-chat/exemples/article.cpp (ch07_article).
//!
//! Un seul changement, le même que dans la traduction : l'adresse d'écoute se donne en
//! argument (127.0.0.1:8081 par défaut, comme l'article) et la ligne « en écoute » affiche
//! l'adresse réelle (les tests écoutent sur 127.0.0.1:0). Le serveur tourne sans fin : c'est
//! le test (article/comparer.cpp) qui joue les clients puis l'arrête.
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, Mutex};

type Clients = Arc<Mutex<Vec<broadcast::Sender<String>>>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let adresse = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let listener = TcpListener::bind(&adresse).await?;
    let clients: Clients = Arc::new(Mutex::new(Vec::new()));

    // L'article : println!("Serveur de chat en écoute sur 127.0.0.1:8081");
    println!("Serveur de chat en écoute sur {}", listener.local_addr()?);

    loop {
        let (socket, addr) = listener.accept().await?;
        let clients = Arc::clone(&clients);

        tokio::spawn(async move {
            println!("Nouveau client : {}", addr);
            if let Err(e) = gerer_client(socket, clients).await {
                println!("Erreur client {} : {}", addr, e);
            }
        });
    }
}

async fn gerer_client(
    socket: TcpStream,
    clients: Clients,
) -> Result<(), Box<dyn std::error::Error>> {
    let (reader, mut writer) = socket.into_split();
    let mut reader = BufReader::new(reader);

    let (tx, mut rx) = broadcast::channel(100);

    // Ajouter le client à la liste
    clients.lock().await.push(tx.clone());

    // Tâche pour recevoir les messages du réseau
    let tx_clone = tx.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                // Recevoir message du broadcast
                msg = rx.recv() => {
                    match msg {
                        Ok(message) => {
                            if writer.write_all(format!("{}\n", message).as_bytes()).await.is_err() {
                                break;
                            }
                        }
                        Err(_) => break,
                    }
                }
            }
        }
    });

    // Lire les messages du client
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line).await? {
            0 => break, // Connexion fermée
            _ => {
                let message = line.trim().to_string();

                // Diffuser le message à tous les clients
                let clients_guard = clients.lock().await;
                for client_tx in clients_guard.iter() {
                    let _ = client_tx.send(message.clone());
                }
            }
        }
    }

    Ok(())
}
