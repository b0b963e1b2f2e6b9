module dundian.local/services/fieldwork

go 1.26

require dundian.local/libs v0.0.0

require (
	github.com/rwcarlsen/goexif v0.0.0-20190401172101-9e8deecbddbd
	golang.org/x/image v0.48.0
)

replace dundian.local/libs => ../../libs
