namespace LlmForge.Cli;

/// <summary>A usage error: printed as one line naming the command, and the process exits with code 2.</summary>
public sealed class CommandLineException(string message) : Exception(message);
