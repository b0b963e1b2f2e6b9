// Command keygen prints a fresh Ed25519 key pair for the gateway's signing keys, as the
// environment variables take them:
//
//	go run ./tools/keygen
//
// The private seed goes to the gateway (DUNDIAN_IDENTITY_PRIVATE_KEY, or
// DUNDIAN_ACCESS_TOKEN_KEY with a second pair); the public key to every service
// (DUNDIAN_IDENTITY_PUBLIC_KEY).
package main

import (
	"fmt"
	"os"

	"dundian.local/libs/auth"
)

func main() {
	pub, priv, err := auth.GenerateKeyPair()
	if err != nil {
		fmt.Fprintln(os.Stderr, "keygen:", err)
		os.Exit(1)
	}
	fmt.Printf("DUNDIAN_IDENTITY_PRIVATE_KEY=%s\nDUNDIAN_IDENTITY_PUBLIC_KEY=%s\n", priv, pub)
}
