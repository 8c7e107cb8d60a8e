/// The columns and joins both stores read a comment with, in this order: the comment, its
/// author's name, and whom it answers (`ReplyTo`).
enum CommentSelect {
    static let columns = """
        c.id, c.post_id, c.author_id, u.name, c.text, c.created_at, c.reply_to_id, c.reply_to_user,
        ru.name AS reply_to_name
        """
    static let from = "comments c JOIN users u ON u.id = c.author_id LEFT JOIN users ru ON ru.id = c.reply_to_user"
}
