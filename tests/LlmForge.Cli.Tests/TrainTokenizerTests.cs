using System.Text.Json;
using LlmForge.Tests.Tokenization;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>llmforge train --tokenizer char|gpt2|bpe</c>: each kind trains a model whose vocabulary is the tokenizer's, saves
/// the tokenizer's files in the model directory, and that directory works with generate, tokenize and --resume. The
/// gpt2 kind reads a small hand-made byte-level vocabulary in OpenAI's file names (encoder.json + vocab.bpe).
/// </summary>
public sealed class TrainTokenizerTests : IDisposable
{
    private readonly TrainScratch dir = new("tokenizer");

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("char", "llmforge_char_tokenizer.json")]
    [InlineData("bpe", "vocab.json")]
    [InlineData("gpt2", "vocab.json")]
    public void Each_tokenizer_kind_saves_a_model_dir_that_generate_tokenize_and_resume_read(string kind, string tokenizerFile)
    {
        string model = dir.File(kind);
        string[] tokenizerFlags = kind switch
        {
            "bpe" => ["--tokenizer", "bpe", "--vocab-size", "300"],
            "gpt2" => ["--tokenizer", "gpt2", "--tokenizer-dir", HandMadeGpt2Directory()],
            _ => [],
        };
        var (code, _, stderr) = Train(["--out", model, "--steps", "2", .. tokenizerFlags]);
        Assert.True(code == 0, stderr);

        Assert.True(File.Exists(Path.Combine(model, tokenizerFile)), tokenizerFile);
        var tokenizer = TokenizerFiles.Load(model);
        Assert.IsType(kind == "char" ? typeof(CharTokenizer) : typeof(Gpt2Tokenizer), tokenizer);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json"))))
            Assert.Equal(tokenizer.VocabSize, config.RootElement.GetProperty("vocab_size").GetInt32());
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "trainer_state.json"))))
            Assert.Equal(kind, state.RootElement.GetProperty("tokenizer").GetString());
        if (kind == "bpe") Assert.Contains($"tokenizer bpe: {tokenizer.VocabSize} ids", stderr);

        var (tokenizeCode, ids, tokenizeErr) = Cli.Run("tokenize", "--model", model, "--text", "to be or not");
        Assert.True(tokenizeCode == 0, tokenizeErr);
        Assert.Equal("[" + string.Join(",", tokenizer.Encode("to be or not")) + "]", ids.Trim());

        var (generateCode, text, generateErr) = Cli.Run("generate", "--model", model, "--prompt", "to be", "--max-new-tokens", "4", "--seed", "1");
        Assert.True(generateCode == 0, generateErr);
        Assert.StartsWith("to be", text);

        (code, _, stderr) = Cli.Run("train", "--config", Tiny(), "--resume", model, "--steps", "3");
        Assert.True(code == 0, stderr);
        Assert.Contains($"vocab {tokenizer.VocabSize},", stderr);
    }

    [Theory]
    [InlineData(new[] { "--tokenizer", "bpe", "--vocab-size", "100" }, "--vocab-size must be at least 257 (256 byte tokens + <|endoftext|>), got 100")]
    [InlineData(new[] { "--tokenizer", "gpt2" }, "--tokenizer gpt2 needs --tokenizer-dir DIR")]
    [InlineData(new[] { "--tokenizer", "gpt2", "--tokenizer-dir", "/nonexistent/gpt2" }, "--tokenizer-dir '/nonexistent/gpt2': no such directory")]
    [InlineData(new[] { "--vocab-size", "300" }, "--vocab-size goes with --tokenizer bpe (the tokenizer is 'char')")]
    [InlineData(new[] { "--tokenizer", "bpe", "--tokenizer-dir", "." }, "--tokenizer-dir goes with --tokenizer gpt2 (the tokenizer is 'bpe')")]
    [InlineData(new[] { "--tokenizer", "wordpiece" }, "--tokenizer 'wordpiece' is not valid; valid values: char, gpt2, bpe")]
    public void Tokenizer_flag_mistakes_are_one_line_naming_the_flag(string[] flags, string expected)
    {
        var (code, _, stderr) = Train(["--out", dir.File("m"), "--steps", "1", .. flags]);
        Assert.Equal(2, code);
        Assert.StartsWith($"llmforge train: {expected}", stderr.TrimEnd().Split('\n')[^1]);
    }

    private (int Code, string Out, string Err) Train(string[] args) =>
        Cli.Run(["train", "--corpus", dir.Corpus(), "--config", Tiny(), "--seed", "3", .. args]);

    /// <summary>256 byte tokens, a few merges for the corpus's words and &lt;|endoftext|&gt;, under OpenAI's file names.</summary>
    private string HandMadeGpt2Directory()
    {
        string path = dir.File("gpt2-vocab");
        Directory.CreateDirectory(path);
        var (vocab, merges) = TinyVocabulary.Build(("t", "o"), ("Ġ", "b"), ("Ġb", "e"), ("Ġ", "t"), ("Ġt", "o"), ("o", "r"), ("Ġ", "n"));
        new Gpt2Tokenizer(vocab, merges).Save(path);
        File.Move(Path.Combine(path, "vocab.json"), Path.Combine(path, "encoder.json"));
        File.Move(Path.Combine(path, "merges.txt"), Path.Combine(path, "vocab.bpe"));
        return path;
    }

    /// <summary>A tiny gpt-char: a vocabulary of ~300 ids costs next to nothing at this width.</summary>
    private string Tiny() => dir.Write("tiny.json", """
        {
          "LlmForge": {
            "Training": { "BatchSize": 2, "EvalBatches": 1, "EvalInterval": 2, "LogInterval": 1 },
            "Variants": { "gpt-char": { "ContextLength": 16, "EmbeddingDim": 32, "Layers": 1, "Heads": 2, "Dropout": 0.1 } }
          }
        }
        """);
}
