using System.CommandLine;

namespace LlmForge.Cli.Parsing;

/// <summary>
/// <c>llmforge train @args.rsp</c>: a word <c>@FILE</c> stands for the flags in FILE (System.CommandLine's response
/// files: one or more a line, quotes group, <c>#</c> starts a comment). Only a file that exists is read, so a value
/// that merely starts with @ (<c>--prompt @home</c>) stays what it was before response files existed.
/// </summary>
internal static class ResponseFiles
{
    public static ParserConfiguration Configure(ParserConfiguration configuration)
    {
        var read = configuration.ResponseFileTokenReplacer
            ?? throw new InvalidOperationException("System.CommandLine has no response-file reader");
        configuration.ResponseFileTokenReplacer = (string path, out IReadOnlyList<string>? tokens, out string? error) =>
        {
            if (File.Exists(path)) return read(path, out tokens, out error);
            (tokens, error) = (null, null); // not a response file: the word stays as given
            return false;
        };
        return configuration;
    }
}
