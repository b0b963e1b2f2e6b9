module dundian.local/services/reporting

go 1.26

require dundian.local/libs v0.0.0

replace dundian.local/libs => ../../libs
