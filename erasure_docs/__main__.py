from erasure_docs.cli import main

main()
