using System.CommandLine;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using LlmForge.Data;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge tokenize</c>: token ids of a text as ONE compact JSON array, <c>[15496,11,314,716]</c>.
/// <c>&lt;|endoftext|&gt;</c> written in the text becomes its special id (as in a training corpus).
/// </summary>
public sealed class TokenizeCommand : ICommand
{
    public string Name => "tokenize";

    public string Summary => "token ids of a text as one JSON array (stdout or --out)";

    public string Synopsis => "usage: llmforge tokenize (--model DIR | --tokenizer-dir DIR) (--text TEXT | --file FILE) [--out ids.json]";

    public string Notes => "Output: one line, e.g. [15496,11,314,716]. <|endoftext|> in the text is the special id.";

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR", "a model directory with tokenizer files");
    private static readonly Option<string?> TokenizerDir = Flag.Text("--tokenizer-dir", "DIR",
        "vocab.json + merges.txt, encoder.json + vocab.bpe, a Hugging Face tokenizer.json (byte-level BPE), or llmforge_char_tokenizer.json (char)");
    private static readonly Option<string?> Text = Flag.Text("--text", "TEXT", "the text to encode");
    private static readonly Option<string?> FileFlag = Flag.Text("--file", "FILE",
        "a UTF-8 text file to encode (a byte-level BPE encodes any bytes, even invalid UTF-8, so that decoding the ids gives " +
        "the file back; other tokenizers need valid UTF-8)");
    private static readonly Option<string?> Out = Flag.Text("--out", "FILE", "write the JSON array there (atomically) instead of stdout");

    public IReadOnlyList<Option> Options { get; } = [Model, TokenizerDir, Text, FileFlag, Out];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string? model = parsed.GetValue(Model), tokenizerDir = parsed.GetValue(TokenizerDir);
        string? text = parsed.GetValue(Text), file = parsed.GetValue(FileFlag), output = parsed.GetValue(Out);
        if ((model is null) == (tokenizerDir is null))
            throw new CliException($"{Name}: give exactly one of --model DIR or --tokenizer-dir DIR");
        string directory = model is not null
            ? ModelDirectory.Require(Name, "model", model)
            : ModelDirectory.Require(Name, "tokenizer-dir", tokenizerDir);
        if ((text is null) == (file is null))
            throw new CliException($"{Name}: give exactly one of --text TEXT or --file FILE");
        if (file is not null && !File.Exists(file) && !Directory.Exists(file))
            throw new FileNotFoundException($"{file}: no such text file.", file);

        var tokenizer = ModelDirectory.LoadTokenizer(directory)
            ?? throw new CliException(
                $"{Name}: no tokenizer in '{directory}': expected vocab.json + merges.txt, encoder.json + vocab.bpe or llmforge_char_tokenizer.json");
        string json = TokenIds.ToJson(Encode(tokenizer, text, file));
        if (output is null)
        {
            stdout.WriteLine(json);
            return 0;
        }
        string? outDirectory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (outDirectory is not null && !Directory.Exists(outDirectory))
            throw new CliException($"{Name}: --out '{output}': directory '{outDirectory}' does not exist");
        AtomicFile.WriteAllText(output, json + "\n");
        return 0;
    }

    /// <summary>
    /// A file is read as bytes for a byte-level tokenizer (invalid UTF-8 included: nothing is replaced by U+FFFD)
    /// and strictly as UTF-8 text for the others (an error names the byte offset); an empty file is no ids.
    /// </summary>
    private static IReadOnlyList<int> Encode(ITokenizer tokenizer, string? text, string? file)
    {
        const string role = "Text file";
        if (text is not null) return tokenizer.Encode(text);
        return tokenizer is IByteLevelTokenizer bytes
            ? bytes.EncodeBytes(TextFile.ReadBytes(file!, role, allowEmpty: true))
            : tokenizer.Encode(TextFile.Read(file!, role, allowEmpty: true));
    }
}
