//! Chapitre 05 — « Fire and Forget » : le programme de l'article, et ce qu'il ne dit pas : la
//! tâche détachée est détruite quand le runtime s'arrête (DESIGN.md §4, point 6).
//! Traduction C++ : chapters/05-patterns/exemples/fire_and_forget.cpp (ch05_fire_and_forget).
//!
//! Ajouts du cours, identiques à la traduction : `--court` (nettoyage toutes les 60 ms, serveur
//! 250 ms), une garde dont le `Drop` montre la destruction de la tâche, le compte des
//! nettoyages, et un runtime construit à la main au lieu de `#[tokio::main]` (c'est ce que la
//! macro écrit : `Runtime::new()` puis `block_on`) pour afficher ce qui se passe à son arrêt.
//! Le nombre de tâches vivantes, que la traduction lit dans les métriques de rt, est compté
//! ici par la garde (tokio 1.24 n'a pas de métrique stable pour cela).
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::time::Duration;

static NETTOYAGES: AtomicUsize = AtomicUsize::new(0);
static VIVANTES: AtomicUsize = AtomicUsize::new(0);

/// Affiche un message quand elle est détruite (avec la trame de la tâche qui la possède).
struct Garde(&'static str);

impl Drop for Garde {
    fn drop(&mut self) {
        VIVANTES.fetch_sub(1, Ordering::SeqCst);
        println!("   ~Garde : {}", self.0);
    }
}

async fn serveur_principal(duree: Duration) {
    println!("Serveur démarré");
    // Logique du serveur principal
    tokio::time::sleep(duree).await; // l'article : Duration::from_secs(10)
}

async fn main_async(periode: Duration, serveur: Duration) {
    // --- Le programme de l'article ---
    // Lancer une tâche de nettoyage en arrière-plan
    VIVANTES.fetch_add(1, Ordering::SeqCst);
    let garde = Garde("la tâche de nettoyage est détruite (arrêt du runtime)");
    tokio::spawn(async move {
        let _garde = garde; // déplacée dans la tâche : détruite avec elle
        loop {
            tokio::time::sleep(periode).await; // l'article : Duration::from_secs(60)
            println!("Nettoyage périodique...");
            // Logique de nettoyage
            NETTOYAGES.fetch_add(1, Ordering::SeqCst);
        }
    });

    // Le programme principal continue
    serveur_principal(serveur).await;
}

fn main() {
    let (mut periode, mut serveur) = (Duration::from_secs(60), Duration::from_secs(10));
    if std::env::args().nth(1).as_deref() == Some("--court") {
        (periode, serveur) = (Duration::from_millis(60), Duration::from_millis(250));
        println!(
            "(visite guidée : nettoyage toutes les 60 ms au lieu de 60 s, serveur 250 ms au lieu de 10 s)"
        );
    }

    // Ce que #[tokio::main] écrit pour nous : un runtime multi-thread, block_on, puis sa
    // destruction à la fin de main.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(main_async(periode, serveur));
    println!(
        "main_async terminée ; nettoyages effectués : {} ; tâches encore vivantes : {}",
        NETTOYAGES.load(Ordering::SeqCst),
        VIVANTES.load(Ordering::SeqCst)
    );

    println!("arrêt du runtime (ce que fait la fin de #[tokio::main])");
    drop(runtime); // détruit la tâche détachée à son point de suspension
    println!(
        "après l'arrêt ; nettoyages : {} ; tâches encore vivantes : {}",
        NETTOYAGES.load(Ordering::SeqCst),
        VIVANTES.load(Ordering::SeqCst)
    );
}
