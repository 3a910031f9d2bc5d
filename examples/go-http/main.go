package main

import (
	"context"
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "where to listen")
	flag.Parse()
	decisions := NewDecisions()
	defer decisions.Close(context.Background())
	mux := http.NewServeMux()
	mux.Handle("/decide", decisions)
	mux.Handle("/decide-many", decisions)
	log.Printf("arrears decisions on http://%s/decide?policy=cn-microloan (POST a case)", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
