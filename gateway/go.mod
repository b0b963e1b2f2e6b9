module dundian.local/gateway

go 1.26.0

require dundian.local/libs v0.0.0

require (
	github.com/google/uuid v1.6.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	golang.org/x/crypto v0.58.0 // indirect
)

replace dundian.local/libs => ../libs
