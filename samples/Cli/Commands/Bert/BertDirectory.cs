using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands.Bert;

/// <summary>A Hugging Face BERT model directory: config.json (model_type "bert"), model.safetensors, vocab.txt.</summary>
public static class BertDirectory
{
    /// <summary>True when the directory's config.json says model_type "bert" (or "llmforge-bert").</summary>
    public static bool IsBert(string directory)
    {
        string config = Path.Combine(directory, BertConfigJson.FileName);
        return File.Exists(config) && BertConfigJson.IsBertModelType(BertConfigJson.ReadModelType(config));
    }

    /// <summary>The model (with the heads its weights hold) and its WordPiece tokenizer.</summary>
    public static (BertModel Model, WordPieceTokenizer Tokenizer) Load(string command, string directory, ITensorBackend backend)
    {
        var model = BertCheckpoint.Load(directory, backend);
        return (model, LoadTokenizer(command, directory));
    }

    public static WordPieceTokenizer LoadTokenizer(string command, string directory)
    {
        if (!WordPieceTokenizerFiles.Present(directory))
            throw new CliException($"{command}: no {WordPieceTokenizerFiles.VocabFile} in '{directory}' (a BERT directory holds its WordPiece vocabulary)");
        return WordPieceTokenizer.FromDirectory(directory);
    }
}
