namespace LlmForge.Data;

/// <summary>
/// Where a <see cref="DataLoader"/> is in its data order, saved with a checkpoint so that
/// <c>--resume</c> continues with exactly the batches an uninterrupted run would have seen.
/// The next batch is batch <see cref="BatchIndex"/> of epoch <see cref="Epoch"/>, in the order
/// derived from <see cref="Seed"/>. <see cref="BatchesPerEpoch"/> is kept to detect a resume with
/// different data or batch size. Plain numbers: serialises as JSON as is.
/// </summary>
public sealed record DataLoaderState(int Epoch, int BatchIndex, int Seed, int BatchesPerEpoch);
