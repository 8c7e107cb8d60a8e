// The REST half of docs/protocol.md, for the page.

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class API {
  constructor(token) {
    this.token = token;
  }

  // A Blob (a picture) goes as it is; anything else as JSON.
  async request(method, path, body) {
    const headers = { Authorization: `Bearer ${this.token}` };
    const raw = body instanceof Blob;
    if (body !== undefined) headers["Content-Type"] = raw ? (body.type || "application/octet-stream") : "application/json";
    const sent = body === undefined || raw ? body : JSON.stringify(body);
    const response = await fetch(path, { method, headers, body: sent });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = data.error || {};
      throw new APIError(response.status, error.code || `http_${response.status}`, error.message || response.statusText);
    }
    return data;
  }

  me() { return this.request("GET", "/api/me"); }
  feed() { return this.request("GET", "/api/feed?limit=30"); }
  createPost(text, media = []) {
    return this.request("POST", "/api/posts", media.length ? { text, media } : { text });
  }
  uploadMedia(file) { return this.request("POST", "/api/media", file); }
  like(postId) { return this.request("POST", `/api/posts/${postId}/likes`); }
  unlike(postId) { return this.request("DELETE", `/api/posts/${postId}/likes`); }
  comment(postId, text, replyTo) {
    return this.request("POST", `/api/posts/${postId}/comments`, replyTo ? { text, reply_to: replyTo } : { text });
  }
  deletePost(postId) { return this.request("DELETE", `/api/posts/${postId}`); }
  deleteComment(postId, commentId) { return this.request("DELETE", `/api/posts/${postId}/comments/${commentId}`); }
  notifications() { return this.request("GET", "/api/notifications?limit=30&grouped=true"); }
  markRead(upTo) { return this.request("POST", "/api/notifications/read", { up_to: upTo }); }
}

/// Demo users with fresh tokens, when the server runs with --demo (else an empty list).
export async function demoLogins() {
  const response = await fetch("/api/demo/logins");
  if (!response.ok) return [];
  return (await response.json()).logins;
}
