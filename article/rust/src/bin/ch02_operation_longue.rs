//! Chapitre 02 — le programme async/await de l'article, tel quel.
//! Traduction C++ : chapters/02-async-await/exemples/operation_longue.cpp (ch02_operation_longue).
//!
//! Ajout du cours, identique à la traduction : `--court` ramène l'attente de 2 s à 200 ms (pour
//! les tests) et le dit en première ligne.
use std::sync::atomic::{AtomicU64, Ordering};

// 2000 ms comme dans l'article ; 200 avec --court.
static ATTENTE_MS: AtomicU64 = AtomicU64::new(2000);

#[tokio::main]
async fn main() {
    if std::env::args().nth(1).as_deref() == Some("--court") {
        ATTENTE_MS.store(200, Ordering::Relaxed);
        println!("(version courte : attente de 200 ms au lieu de 2 s)");
    }

    // --- Le programme de l'article ---
    println!("Début du programme");

    let resultat = operation_longue().await;
    println!("Résultat : {}", resultat);

    println!("Fin du programme");
}

async fn operation_longue() -> i32 {
    // L'article : Duration::from_secs(2).
    let attente = tokio::time::Duration::from_millis(ATTENTE_MS.load(Ordering::Relaxed));
    tokio::time::sleep(attente).await;
    42
}
