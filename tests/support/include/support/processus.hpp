// Lecture de quelques compteurs du processus courant dans /proc/self/status (Linux).
//
// Les tests s'en servent pour vérifier un modèle d'exécution sans faire confiance au code
// testé : « un thread par connexion » doit faire monter le nombre de threads du processus,
// un runtime asynchrone ne doit pas le faire.
#pragma once

#include <cstddef>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace support {

/// Valeur entière du champ `cle` (par exemple "Threads" ou "VmRSS") de /proc/self/status,
/// ou std::nullopt si le champ est absent. Les champs mémoire sont en kio.
inline std::optional<std::size_t> champ_status(const std::string& cle) {
    std::ifstream status("/proc/self/status");
    std::string ligne;
    const std::string prefixe = cle + ":";
    while (std::getline(status, ligne)) {
        if (ligne.compare(0, prefixe.size(), prefixe) == 0) {
            std::istringstream valeur(ligne.substr(prefixe.size()));
            std::size_t n = 0;
            if (valeur >> n)
                return n;
            return std::nullopt;
        }
    }
    return std::nullopt;
}

/// Nombre de threads du processus courant (champ « Threads: »), 0 si illisible.
inline std::size_t nombre_threads() {
    return champ_status("Threads").value_or(0);
}

} // namespace support
