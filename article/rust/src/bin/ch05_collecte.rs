//! Chapitre 05 — « Collecte de résultats » : le programme de l'article, CORRIGÉ.
//! Traduction C++ : chapters/05-patterns/exemples/collecte.cpp (ch05_collecte).
//!
//! Tel qu'écrit dans l'article, il ne compile pas (DESIGN.md §4, point 8) : `from_millis(100 * i)`
//! veut un `u64`, donc `i` (et `i * i`) est un `u64`, `resultats` un `Vec<u64>`... que la
//! fonction ne peut pas rendre pour un `Vec<i32>` (erreur E0308, « mismatched types : expected
//! `Vec<i32>`, found `Vec<u64>` », vérifiée avec rustc). Correction minimale : la fonction rend
//! un `Vec<u64>`. Ajout du cours, comme la traduction : la durée
//! totale, entre parenthèses (le test ne compare pas le nombre de millisecondes, mesuré).
use std::time::Instant;

// L'article : `-> Vec<i32>`.
async fn traitement_parallele() -> Vec<u64> {
    let mut handles = vec![];

    // Lancer plusieurs tâches de calcul
    for i in 0..5 {
        let handle = tokio::spawn(async move {
            // Simuler un calcul complexe
            tokio::time::sleep(tokio::time::Duration::from_millis(100 * i)).await;
            i * i
        });
        handles.push(handle);
    }

    // Collecter tous les résultats
    let mut resultats = vec![];
    for handle in handles {
        match handle.await {
            Ok(resultat) => resultats.push(resultat),
            Err(e) => println!("Erreur dans une tâche : {:?}", e),
        }
    }

    resultats
}

#[tokio::main]
async fn main() {
    let debut = Instant::now();
    let resultats = traitement_parallele().await;
    println!("Résultats : {:?}", resultats);
    println!(
        "(durée totale : {} ms ; la somme des sommeils ferait 1000 ms)",
        debut.elapsed().as_millis()
    );
}
