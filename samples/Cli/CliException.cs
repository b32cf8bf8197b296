namespace LlmForge.Cli;

/// <summary>A user error on the command line or in its inputs: printed as one line, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
