"""Identity: password hashes, session tokens, CSRF tokens and the middleware using them."""
