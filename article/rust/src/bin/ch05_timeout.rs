//! Chapitre 05 — « Timeout et Annulation » : le programme de l'article, message faux compris,
//! puis la vérification que l'article ne fait pas : la tâche « annulée » finit son travail
//! (DESIGN.md §4, point 1 : le délai écoulé détruit le JoinHandle, ce qui détache la tâche).
//! Traduction C++ : chapters/05-patterns/exemples/timeout.cpp (ch05_timeout).
//!
//! Ajouts du cours, identiques à la traduction : `--court` (tâche de 500 ms, délai de 100 ms),
//! la ligne « [tâche] » et la vérification finale.
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::time::{timeout, Duration};

/// Mis à vrai par la tâche quand elle termine son travail : ce que l'article croit impossible.
static TACHE_FINIE: AtomicBool = AtomicBool::new(false);

async fn main_article(tache: Duration, delai: Duration) {
    // --- Le programme de l'article ---
    let handle = tokio::spawn(async move {
        // Tâche potentiellement longue
        tokio::time::sleep(tache).await; // l'article : Duration::from_secs(10)
        TACHE_FINIE.store(true, Ordering::SeqCst);
        println!("   [tâche] ... et pourtant je termine mon travail");
        "Tâche très longue terminée"
    });

    // Attendre maximum 2 secondes
    match timeout(delai, handle).await {
        Ok(Ok(resultat)) => println!("Succès : {}", resultat),
        Ok(Err(e)) => println!("Erreur dans la tâche : {:?}", e),
        Err(_) => println!("Timeout : tâche annulée"), // FAUX : voir ci-dessous
    }
}

#[tokio::main]
async fn main() {
    let (mut tache, mut delai) = (Duration::from_secs(10), Duration::from_secs(2));
    if std::env::args().nth(1).as_deref() == Some("--court") {
        (tache, delai) = (Duration::from_millis(500), Duration::from_millis(100));
        println!(
            "(visite guidée : tâche de 500 ms au lieu de 10 s, délai de 100 ms au lieu de 2 s)"
        );
    }
    main_article(tache, delai).await;

    // Ce que l'article ne fait pas : laisser au runtime le temps de finir la tâche.
    println!(
        "(vérification : on laisse tourner le runtime encore {} ms)",
        tache.as_millis()
    );
    tokio::time::sleep(tache).await;
    println!(
        "la tâche « annulée » a-t-elle fini son travail ? {}",
        if TACHE_FINIE.load(Ordering::SeqCst) {
            "OUI : le message de l'article est faux"
        } else {
            "non"
        }
    );
}
