from tsms.cli import main

main()
