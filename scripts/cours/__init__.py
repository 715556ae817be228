"""L'outil ./cours du cours « tokio::spawn en C++ » (bibliothèque standard seulement)."""
