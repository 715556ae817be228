//! Chapitre 06 — « Serveur HTTP Simple » : le programme de l'article, ses deux défauts compris
//! (un seul `read` pris pour une requête, `accept()?` qui arrête tout ; DESIGN.md §4, point 5).
//! Traduction C++ : chapters/06-serveur-http/exemples/serveur_article.cpp (ch06_serveur_article).
//!
//! Un seul changement, le même que dans la traduction : l'adresse d'écoute se donne en
//! argument (127.0.0.1:8080 par défaut, comme l'article) et la ligne « Serveur en écoute »
//! affiche l'adresse réelle : les tests écoutent sur 127.0.0.1:0 (un port libre), jamais sur
//! un port fixe. Le serveur tourne sans fin, comme celui de l'article : c'est le test
//! (article/comparer.cpp) qui joue les clients puis l'arrête.
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let adresse = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&adresse).await?;
    // L'article : println!("Serveur en écoute sur 127.0.0.1:8080");
    println!("Serveur en écoute sur {}", listener.local_addr()?);

    loop {
        let (socket, addr) = listener.accept().await?;
        println!("Nouvelle connexion : {}", addr);

        // Traiter chaque connexion dans une tâche séparée
        tokio::spawn(async move {
            if let Err(e) = traiter_connexion(socket).await {
                println!("Erreur lors du traitement : {}", e);
            }
        });
    }
}

async fn traiter_connexion(mut socket: TcpStream) -> Result<(), Box<dyn std::error::Error>> {
    let mut buffer = [0; 1024];

    // Lire la requête
    let n = socket.read(&mut buffer).await?;
    let requete = String::from_utf8_lossy(&buffer[..n]);

    println!("Requête reçue : {}", requete.lines().next().unwrap_or(""));

    // Simuler un traitement
    tokio::time::sleep(tokio::time::Duration::from_millis(100)).await;

    // Envoyer une réponse HTTP simple
    let response = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!";
    socket.write_all(response.as_bytes()).await?;

    Ok(())
}
