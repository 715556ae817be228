//! Chapitre 04 — « La magie des tâches légères » : 10 000 tâches qui dorment 100 ms.
//! Traduction C++ : chapters/04-taches-legeres/exemples/dix_mille_taches.cpp
//! (ch04_dix_mille_taches).
//!
//! Le programme de l'article compile tel quel, avec un avertissement : `resultat` n'est pas
//! utilisé (« Traiter le résultat... »). Ajout du cours, comme la traduction : le nombre de
//! tâches en argument, et une ligne entre parenthèses (somme des résultats, durée totale) que
//! le test ne compare pas (la durée est mesurée ; le nombre de tâches vivantes que la
//! traduction lit dans les métriques de rt n'a pas d'équivalent stable dans tokio 1.24).
use std::time::Instant;

#[tokio::main]
async fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let debut = Instant::now();
    let mut somme: u64 = 0;

    // --- Le programme de l'article ---
    let mut handles = vec![];

    // Créer 10 000 tâches concurrentes
    for i in 0..n {
        let handle = tokio::spawn(async move {
            tokio::time::sleep(tokio::time::Duration::from_millis(100)).await;
            i * 2
        });
        handles.push(handle);
    }

    // Attendre toutes les tâches
    for handle in handles {
        let resultat = handle.await.unwrap();
        // Traiter le résultat...
        somme += resultat;
    }

    println!(
        "(somme des résultats : {} ; durée totale : {} ms)",
        somme,
        debut.elapsed().as_millis()
    );
    println!("Toutes les tâches terminées !");
}
