namespace Sharptune.Internal;

/// <summary>
/// An append-only list kept in chunks of 1024 items, for lists that grow by one item per trial. A <see cref="List{T}"/>
/// doubles its array, so that a list of n items has allocated about 2n slots, copied n of them and left the large
/// arrays (past 85 KB) on the large object heap; here the first chunk grows as a list does up to 1024 items, every
/// later chunk is allocated once at its full size, and nothing is copied. One writer at a time (callers lock).
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class ChunkedList<T>
{
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    private T[][] _chunks = [new T[4]];
    private int _count;

    /// <summary>Gets the number of items.</summary>
    public int Count => _count;

    /// <summary>Gets or sets the item at <paramref name="index"/>.</summary>
    /// <param name="index">The index, in [0, <see cref="Count"/>).</param>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                ThrowIndex(index);
            }

            return _chunks[index >> ChunkBits][index & ChunkMask];
        }

        set
        {
            if ((uint)index >= (uint)_count)
            {
                ThrowIndex(index);
            }

            _chunks[index >> ChunkBits][index & ChunkMask] = value;
        }
    }

    /// <summary>Appends an item.</summary>
    /// <param name="item">The item.</param>
    public void Add(T item)
    {
        int chunk = _count >> ChunkBits;
        int slot = _count & ChunkMask;
        if (chunk == 0)
        {
            var first = _chunks[0];
            if (slot == first.Length)
            {
                Array.Resize(ref first, Math.Min(ChunkSize, first.Length * 2));
                _chunks[0] = first;
            }
        }
        else if (slot == 0)
        {
            if (chunk == _chunks.Length)
            {
                Array.Resize(ref _chunks, _chunks.Length * 2);
            }

            _chunks[chunk] = new T[ChunkSize];
        }

        _chunks[chunk][slot] = item;
        _count++;
    }

    /// <summary>Returns an enumerator over the items in order (a struct: a foreach allocates nothing).</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    private static void ThrowIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "Index was out of range. Must be non-negative and less than the size of the collection.");

    /// <summary>Enumerates a <see cref="ChunkedList{T}"/>; the list must not grow meanwhile.</summary>
    public struct Enumerator
    {
        private readonly ChunkedList<T> _list;
        private int _index;

        internal Enumerator(ChunkedList<T> list)
        {
            _list = list;
            _index = -1;
        }

        /// <summary>Gets the current item.</summary>
        public readonly T Current => _list._chunks[_index >> ChunkBits][_index & ChunkMask];

        /// <summary>Advances to the next item.</summary>
        /// <returns>Whether there is one.</returns>
        public bool MoveNext() => ++_index < _list._count;
    }
}
