module example.com/petstore-v2

go 1.24
