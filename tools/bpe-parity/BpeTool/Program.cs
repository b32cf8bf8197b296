// LlmForge tokenizer tool: prints figures (token counts, speeds) on stderr.
//   BpeTool encode TOKENIZER_DIR FILE [--allow-special]
//     Encodes FILE (UTF-8 read as bytes: no BOM stripping) and prints the ids as one JSON array on
//     stdout. Special-token text is plain text unless --allow-special (gpt-3-encoder has no specials).
//   BpeTool train FILE VOCAB_SIZE [OUT_DIR]
//     Learns a byte-level BPE vocabulary from FILE (BpeTrainer) and saves vocab.json + merges.txt.
using System.Diagnostics;
using System.Text;
using LlmForge.Tokenization;

return args switch
{
    ["encode", var dir, var file, .. var rest] => Encode(dir, file, rest.Contains("--allow-special")),
    ["train", var file, var size, .. var rest] when int.TryParse(size, out int vocabSize) => Train(file, vocabSize, rest.FirstOrDefault()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: BpeTool encode TOKENIZER_DIR FILE [--allow-special]\n       BpeTool train FILE VOCAB_SIZE [OUT_DIR]");
    return 2;
}

static int Encode(string tokenizerDir, string file, bool allowSpecial)
{
    var load = Stopwatch.StartNew();
    var tokenizer = TokenizerFiles.Load(tokenizerDir);
    load.Stop();
    string text = Encoding.UTF8.GetString(File.ReadAllBytes(file));

    var cold = Stopwatch.StartNew();
    var ids = tokenizer.Encode(text, allowSpecial);
    cold.Stop();
    var warm = Stopwatch.StartNew(); // second pass: the pre-token cache is full
    tokenizer.Encode(text, allowSpecial);
    warm.Stop();
    var decode = Stopwatch.StartNew();
    bool roundTrips = tokenizer.Decode(ids) == text;
    decode.Stop();

    double mb = Encoding.UTF8.GetByteCount(text) / 1e6;
    Console.Error.WriteLine($"{file}: {text.Length} chars, {mb:F2} MB -> {ids.Count} tokens (vocab {tokenizer.VocabSize}, loaded in {load.ElapsedMilliseconds} ms)");
    Console.Error.WriteLine($"encode: {cold.Elapsed.TotalMilliseconds:F0} ms first pass ({mb / cold.Elapsed.TotalSeconds:F1} MB/s), {warm.Elapsed.TotalMilliseconds:F0} ms cached ({mb / warm.Elapsed.TotalSeconds:F1} MB/s)");
    Console.Error.WriteLine($"decode: {decode.Elapsed.TotalMilliseconds:F0} ms, round trip {(roundTrips ? "exact" : "DIFFERS")}");
    Console.Out.WriteLine("[" + string.Join(",", ids) + "]");
    return 0;
}

static int Train(string file, int vocabSize, string? outDir)
{
    string text = File.ReadAllText(file);
    var sw = Stopwatch.StartNew();
    var tokenizer = BpeTrainer.Train(text, new BpeTrainerOptions { VocabSize = vocabSize });
    sw.Stop();
    int tokens = tokenizer.Encode(text).Count;
    Console.Error.WriteLine($"{file}: {text.Length} chars -> {tokenizer.Merges.Count} merges, vocab {tokenizer.VocabSize}, trained in {sw.Elapsed.TotalSeconds:F2} s");
    Console.Error.WriteLine($"encodes the file as {tokens} tokens ({(double)Encoding.UTF8.GetByteCount(text) / tokens:F2} bytes/token)");
    if (outDir is not null)
    {
        tokenizer.Save(outDir);
        Console.Error.WriteLine($"saved vocab.json + merges.txt in {outDir}");
    }
    return 0;
}
