//! Chapitre 03 — « Qu'est-ce que tokio::spawn ? » : le programme de l'article, tel quel.
//! Traduction C++ : chapters/03-spawn/exemples/spawn.cpp (ch03_spawn).
//!
//! Ajout du cours, identique à la traduction : `--court` fait dormir la tâche 50 ms au lieu
//! d'une seconde, et le dit en première ligne.
use tokio::time::Duration;

#[tokio::main]
async fn main() {
    let mut attente = Duration::from_secs(1);
    if std::env::args().nth(1).as_deref() == Some("--court") {
        attente = Duration::from_millis(50);
        println!("(visite guidée : la tâche dort 50 ms au lieu de 1 s)");
    }

    // --- Le programme de l'article ---
    println!("Lancement d'une tâche...");

    let handle = tokio::spawn(async move {
        tokio::time::sleep(attente).await; // l'article : Duration::from_secs(1)
        "Tâche terminée !"
    });

    println!("Tâche lancée, continuons...");

    let resultat = handle.await.unwrap();
    println!("{}", resultat);
}
