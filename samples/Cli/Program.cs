return LlmForge.Cli.CommandLine.Run(args);
